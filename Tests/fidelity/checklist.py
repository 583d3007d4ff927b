"""The fidelity runners' list of checks: register each with @check, then run(label) runs them
in order, prints ok/FAIL per check and `label: N passed, M failed`, and returns the exit status.
Imports no SDK, so both runners (each with its own box_sdk_gen) share it."""
import traceback

CHECKS = []


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
