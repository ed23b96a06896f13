from rdebug.intake.freetext import problem_from_text


def make_repo(tmp_path):
    for rel in ["shop/__init__.py", "shop/cart.py", "tests/test_cart.py", "web/app.js", "docs/guide.md"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    return tmp_path


def test_seeds_by_path_basename_and_dotted_name(tmp_path):
    root = make_repo(tmp_path)
    p = problem_from_text("When I call shop.cart.discount the result is 1 too high; app.js also looks odd.\n", root)
    assert p.kind == "text" and p.frames == []
    assert p.message.startswith("When I call shop.cart.discount")
    assert p.seeds == ["web/app.js", "shop/cart.py"]


def test_module_function_by_unique_basename(tmp_path):
    root = make_repo(tmp_path)
    assert problem_from_text("cart.total() returns 7 instead of 6", root).seeds == ["shop/cart.py"]


def test_no_repo_and_no_mentions(tmp_path):
    assert problem_from_text("the app is slow", None).seeds == []
    assert problem_from_text("the app is slow, e.g. on login", make_repo(tmp_path)).seeds == []
