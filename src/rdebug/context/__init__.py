"""Repository context: what code the model sees for a problem.

``rdebug.context.build.build_context(problem, root, budget, ...) -> PackedContext`` picks snippets
(failing frame, test, callees via a lazy tree-sitter tags index, git diff/log/blame, skeletons) and packs
them under a token budget; ``rdebug.context.render`` formats them for the prompt and the terminal.
"""
