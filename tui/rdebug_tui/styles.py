"""The app's stylesheet (kept in Python so it ships with the package)."""

CSS = """
#main { height: 1fr; }
#sidebar { width: 42%; min-width: 34; }
#work { width: 1fr; }
ProblemPanel, ContextPanel, AnswerPanel, PatchPanel {
    border: round $primary-darken-1;
    border-title-color: $text-accent;
    border-title-style: bold;
}
ProblemPanel { height: 3fr; }
ContextPanel { height: 2fr; }
#problem-title { padding: 0 1; }
#frames { height: auto; max-height: 7; border: none; }
#source-scroll { height: 1fr; min-height: 4; }
#source { padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
#failures-label { color: $text-muted; padding: 0 1; }
#failures { height: auto; max-height: 5; border: none; }
#frames, #failures { text-wrap: nowrap; text-overflow: ellipsis; }
ProblemPanel #failures-label, ProblemPanel #failures { display: none; }
ProblemPanel.-several #failures-label, ProblemPanel.-several #failures { display: block; }
Screen.-short ProblemPanel.-several #failures-label { display: none; }
#context-meter { padding: 0 1; }
#snippets { height: 1fr; border: none; }
#context-notes { padding: 0 1; height: auto; }
#add-file { height: 1; margin: 0 1; }
#thinking-box { height: auto; }
#answer-box, #patch-box { height: 1fr; }
ThinkingPanel { height: auto; max-height: 14; border: round $primary-darken-2; padding: 0; }
ThinkingPanel > Contents { padding: 0 0 0 1; }
#thinking-log {
    height: 10; max-height: 30vh; color: $text-muted; text-style: italic; background: $surface;
    overflow-x: hidden; overflow-y: auto; scrollbar-gutter: stable;
}
ProblemPanel:focus-within, ContextPanel:focus-within, AnswerPanel:focus-within, PatchPanel:focus-within,
ThinkingPanel:focus-within {
    border: round $accent; border-title-color: $accent;
}
AnswerPanel { height: 1fr; }
#answer-head { color: $text-accent; padding: 0 1; }
#answer-md { padding: 0 1; margin: 0; }
PatchPanel { height: 1fr; }
#patch-verify, #patch-diff, #patch-output { padding: 0 1; }
#bottom { height: auto; }
#bottom KeyFooter { dock: none; }
#followup { height: 1; margin: 0 1; }
#candidates-box { height: 1; display: none; }
StatusBar { height: 1; width: 1fr; background: $panel; color: $text; padding: 0 1; }
#narrow-notice { display: none; background: $warning 30%; padding: 0 1; height: 1; }
Screen.-narrow #narrow-notice { display: block; }
Screen.-short #frames { max-height: 2; }
Screen.-short #failures { max-height: 3; }
Screen.-short ContextPanel { height: 7; }
/* small terminals: one panel at a time, keys 1-5 */
Screen.-narrow #sidebar { display: none; width: 1fr; }
Screen.-narrow #thinking-box, Screen.-narrow #answer-box, Screen.-narrow #patch-box { display: none; }
Screen.-solo-problem #sidebar, Screen.-solo-context #sidebar { display: block; }
Screen.-solo-problem #work, Screen.-solo-context #work { display: none; }
Screen.-solo-problem ContextPanel, Screen.-solo-context ProblemPanel { display: none; }
Screen.-solo-problem ProblemPanel, Screen.-solo-context ContextPanel { height: 1fr; }
Screen.-solo-thinking #thinking-box, Screen.-solo-answer #answer-box, Screen.-solo-patch #patch-box {
    display: block; height: 1fr;
}
Screen.-solo-thinking ThinkingPanel { max-height: 100%; }
Screen.-solo-thinking #thinking-log { height: 1fr; max-height: 100%; }
/* all tests pass (nothing of ours to show), or stopped before a failure was found: the message alone */
Screen.-result-only #work, Screen.-result-only ContextPanel { display: none; }
Screen.-result-only #sidebar { display: block; width: 1fr; }
Screen.-result-only ProblemPanel { display: block; height: 1fr; }
HelpScreen, ConfirmScreen, ErrorScreen { align: center middle; }
#dialog {
    width: 76; max-width: 95%; height: auto; max-height: 100%; overflow-y: auto; padding: 1 2;
    border: thick $primary; background: $surface;
}
#dialog.error { border: thick $error; }
#dialog > Static { margin-bottom: 1; }
#buttons { height: auto; align-horizontal: right; }
#buttons Button { margin-left: 2; }
"""
