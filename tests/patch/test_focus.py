"""Issue 21 §3/§4: the model chooses the function (one step) and rewrites just it, its first line pre-filled."""

from __future__ import annotations

import sys

from helpers_patch import make_loop, make_repo

from rdebug.events import ModelProfile, ModelStats, Status
from rdebug.intake.model import Frame, Problem
from rdebug.job import Job
from rdebug.repair.choose import reorder
from rdebug.repair.focus import complete
from rdebug.repair.sites import rank_sites
from rdebug.runtime.fake import ScriptedBackend

PRICES = '''def discount(total, percent):
    """The price after a percentage discount."""
    return total + total * percent / 100


def unrelated(x):
    return x
'''
ORDER = '''from prices import discount


def checkout(amount):
    value = discount(amount, 10)
    return round(value, 2)
'''
CHECK = [sys.executable, "-c", "import order; assert order.checkout(100) == 90, order.checkout(100)"]
PROBLEM = Problem("python", "AssertionError", "110.0", [Frame("order.py", 5, "checkout", in_repo=True),
                                                        Frame("prices.py", 3, "discount", in_repo=True)])
# what the model writes after the pre-filled "prices.py\n```python\ndef discount(total, percent):\n"
CONTINUATION = '    """The price after a percentage discount."""\n    return total - total * percent / 100\n```'


def _repo(tmp_path):
    return make_repo(tmp_path / "shop", {"prices.py": PRICES, "order.py": ORDER})


def _function_model(backend):
    backend.stats = ModelStats("small", profile=ModelProfile(thinking_mode="prompted", edit_format="function"))
    return backend


def test_sites_are_the_frames_functions_innermost_first(tmp_path):
    root = _repo(tmp_path)
    job = Job(root=root, problem=PROBLEM, context=None, prompt_text="", hashes={}, command=CHECK)
    sites = rank_sites(job)
    assert [s.name for s in sites] == ["discount", "checkout"]
    assert sites[0].head == "def discount(total, percent):" and sites[0].doc.startswith("The price after")
    assert sites[0].start == 1 and sites[0].end == 3


def test_a_focused_rewrite_replaces_exactly_the_chosen_function(tmp_path):
    root = _repo(tmp_path)
    backend = _function_model(ScriptedBackend([CONTINUATION]))
    backend.choice_scores = [0.2, 0.8]  # the model puts checkout first …
    loop = make_loop(PROBLEM, "## Problem", backend, root, CHECK, attempts=2, thinking=False, timeout_s=60,
                     focus=True, localize=True)
    backend.choice_scores = [0.9, 0.1]  # … no: discount (today's first) stays first
    events = list(loop.run())
    # the names first (this backend scores no texts), then a number: one decode step
    asked = backend.choice_requests
    assert len(asked) == 2 and asked[0].continuations == ["discount`", "checkout`"] and asked[1].choices == ["1", "2"]
    request = backend.requests[0]
    assert request.prefill == "prices.py\n```python\ndef discount(total, percent):\n"
    assert request.stop == ["\n```"] and "Rewrite `discount`" in request.messages[-1].content
    first = loop.attempts[0]
    assert first.answer.startswith(request.prefill) and first.verified
    assert first.patch.paths == ["prices.py"]
    assert "-    return total + total * percent / 100" in first.patch.diff
    changed = [ln for ln in first.patch.diff.splitlines() if ln[:1] in "+-" and ln[:3] not in ("+++", "---")]
    assert changed == ["-    return total + total * percent / 100", "+    return total - total * percent / 100"]
    assert any(isinstance(e, Status) and e.message.startswith("the model chose discount") for e in events)


def test_the_models_choice_reorders_the_functions(tmp_path):
    root = _repo(tmp_path)
    backend = _function_model(ScriptedBackend([CONTINUATION]))
    backend.choice_scores = [0.3, 0.7]
    loop = make_loop(PROBLEM, "## Problem", backend, root, CHECK, attempts=1, thinking=False, timeout_s=60,
                     focus=True, localize=True)
    list(loop.run())
    assert [s.name for s in loop.sites] == ["checkout", "discount"]
    assert "Rewrite `checkout`" in backend.requests[0].messages[-1].content


def test_the_likelihood_of_each_name_reorders_the_functions(tmp_path):
    root = _repo(tmp_path)
    backend = _function_model(ScriptedBackend([CONTINUATION]))
    backend.continuation_scores = lambda request: [-3.0 if c.startswith("discount") else -1.0
                                                   for c in request.continuations]
    loop = make_loop(PROBLEM, "## Problem", backend, root, CHECK, attempts=1, thinking=False, timeout_s=60,
                     focus=True, localize=True)
    events = list(loop.run())
    assert [s.name for s in loop.sites] == ["checkout", "discount"]
    assert len(backend.choice_requests) == 1 and backend.choice_requests[0].prefill == "The bug is in `"
    assert any(isinstance(e, Status) and e.message.startswith("the model chose checkout in order.py (88%)")
               for e in events)


def test_thinking_keeps_the_request_narrow_without_a_prefill(tmp_path):
    root = _repo(tmp_path)
    backend = _function_model(ScriptedBackend(["<think>minus</think>prices.py\n```python\n"
                                              "def discount(total, percent):\n" + CONTINUATION]))
    loop = make_loop(PROBLEM, "## Problem", backend, root, CHECK, attempts=1, thinking=True, timeout_s=60,
                     focus=True)
    list(loop.run())
    assert backend.requests[0].prefill == "" and loop.attempts[0].verified


def test_search_replace_models_and_no_focus_get_the_open_request(tmp_path):
    root = _repo(tmp_path)
    backend = ScriptedBackend(["no fix"])
    loop = make_loop(PROBLEM, "## Problem", backend, root, CHECK, attempts=1, timeout_s=60)
    list(loop.run())
    assert backend.requests[0].prefill == "" and not backend.choice_requests and not loop.sites


def test_reorder_by_number_in_text_and_complete_the_answer():
    sites = ["a", "b", "c"]
    assert reorder(sites, None, "3") == ["c", "a", "b"]
    assert reorder(sites, None, "none") == sites
    assert reorder(sites, [0.1, 0.1, 0.8], "") == ["c", "a", "b"]
    prefill = "p.py\n```python\ndef f(x):\n"
    assert complete(prefill, "    return x\n```") == prefill + "    return x\n```"
    assert complete(prefill, "    return x") == prefill + "    return x\n```"  # cut at the stop string
    assert complete(prefill, "def f(x):\n    return x\n```") == "p.py\n```python\ndef f(x):\n    return x\n```"
    whole = "p.py\n```python\ndef f(x):\n    return x\n```"
    assert complete(prefill, whole) == whole  # a backend that ignored the pre-fill


def test_candidates_of_one_batch_rewrite_different_functions(tmp_path):
    """With several candidates an attempt, each rewrites one of the top functions (its own prompt and
    pre-filled first line, one batch where the backend decodes several); a later one can be the fix."""
    root = _repo(tmp_path)
    wrong = '    """The price after a percentage discount."""\n    return total\n```'
    caller = "    value = discount(amount, -10)\n    return round(value, 2)\n```"
    backend = _function_model(ScriptedBackend([wrong, caller]))
    loop = make_loop(PROBLEM, "## Problem", backend, root, CHECK, attempts=1, samples=2, thinking=False,
                     timeout_s=60, focus=True)
    events = list(loop.run())
    first, second = backend.requests
    assert first.prefill.endswith("def discount(total, percent):\n") and "Rewrite `discount`" in first.messages[-1].content
    assert second.prefill.endswith("def checkout(amount):\n") and "Rewrite `checkout`" in second.messages[-1].content
    assert first.messages[:-1] == second.messages[:-1]  # one shared prefix: its KV cells are evaluated once
    assert any(isinstance(e, Status) and e.message.startswith("attempt 1: rewriting discount (prices.py:1), checkout")
               for e in events)
    a, b = loop.attempts
    assert not a.verified and b.verified and b.patch.paths == ["order.py"]
    assert "+    value = discount(amount, -10)" in b.patch.diff


def test_spread_sets_the_functions_an_attempt_rewrites_and_samples_repeat_them(tmp_path):
    root = _repo(tmp_path)
    backend = _function_model(ScriptedBackend(["no fix"]))
    loop = make_loop(PROBLEM, "## Problem", backend, root, CHECK, attempts=1, samples=3, spread=1, thinking=False,
                     timeout_s=60, focus=True, resample=False)
    list(loop.run())
    assert [r.prefill.rsplit("\n", 2)[-2] for r in backend.requests] == ["def discount(total, percent):"] * 3
    backend = _function_model(ScriptedBackend(["no fix"]))
    loop = make_loop(PROBLEM, "## Problem", backend, root, CHECK, attempts=1, spread=5, thinking=False, timeout_s=60,
                     focus=True, resample=False)
    list(loop.run())  # one candidate for each function there is (two)
    assert [r.prefill.rsplit("\n", 2)[-2] for r in backend.requests] == ["def discount(total, percent):",
                                                                         "def checkout(amount):"]
