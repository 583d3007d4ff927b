"""What both fidelity runners share: the sandbox's printed settings (read_sandbox), and the list
of checks (register each with @check; run(label) runs them in order, prints ok/FAIL per check and
`label: N passed, M failed`, and returns the exit status). Imports no SDK, so both runners (each
with its own box_sdk_gen) can use it."""
import traceback

CHECKS = []


def read_sandbox(path):
    """`boxlua sandbox`'s stdout (KEY=VALUE words on its lines) as a dict."""
    env = {}
    with open(path) as f:
        for line in f:
            for word in line.split():
                if "=" in word:
                    k, v = word.split("=", 1)
                    env[k] = v
    return env


def raised(fn, error_type):
    """The `error_type` exception fn() raises; an AssertionError when it raises none."""
    try:
        fn()
    except error_type as e:
        return e
    raise AssertionError(f"expected a {error_type.__name__}")


def check(fn):
    CHECKS.append(fn)
    return fn


def run(label):
    passed = failed = 0
    for fn in CHECKS:
        try:
            fn()
            passed += 1
            print(f"ok   {fn.__name__}")
        except Exception:
            failed += 1
            print(f"FAIL {fn.__name__}")
            traceback.print_exc()
    print(f"{label}: {passed} passed, {failed} failed")
    return 1 if failed else 0
