"""Mutation search: small edits at suspicious lines, verified like the model's candidates.

- ``suspicious``: where to search (the failing frames' lines, the functions the context holds);
- ``operators`` (with ``scope``): the edits, with tree-sitter, for Python and JavaScript;
- ``candidates``: edits -> patches, deduped, ordered by suspiciousness then the kind's ``priors``;
- ``pool``: verification in scratch copies, capped by count and wall time;
- ``source``: the pipeline's search stage; ``explain``: the model explains a found fix.
"""
