"""Problem intake: what is broken.

``collect.gather`` (command > trace > free text > detected tests), ``parse.parse_failures`` (every trace
format), ``pathmap.PathMapper`` (printed paths -> repo files), ``runner.run_command``,
``detect.detect_test_command``, ``freetext.problem_from_text``.
"""
