"""The riskcast_difftest driver's command line: every bad option refused with
exit status 2 (none ignored, none crashing, none checking nothing and passing),
seed ranges at the top of the 64-bit range checked exactly once each."""
import subprocess
import sys

difftest = sys.argv[1]
failures = []


def run(*args):
    return subprocess.run([difftest, *args], capture_output=True, text=True, timeout=300)


def expect(args, status, stdout_has=None, stdout_lacks=None):
    r = run(*args)
    problem = None
    if r.returncode != status:
        problem = f"exit {r.returncode}, wanted {status}"
    elif stdout_has and stdout_has not in r.stdout:
        problem = f"stdout lacks {stdout_has!r}"
    elif stdout_lacks and stdout_lacks in r.stdout:
        problem = f"stdout has {stdout_lacks!r}"
    if status == 2 and r.returncode == 2 and "riskcast_difftest:" not in r.stderr:
        problem = "no message on stderr"
    if problem:
        failures.append(f"{' '.join(args)}: {problem}\nstdout: {r.stdout[-500:]}\nstderr: {r.stderr[-500:]}")


# Refused: a run that checks nothing must not pass, and nothing may crash.
for args in (["--jobs", "0", "--seeds", "0:3"], ["--jobs", "-2", "--seeds", "0:3"],
             ["--jobs", "1025", "--seeds", "0:3"], ["--seeds", "0:"], ["--seeds", ":5"],
             ["--seeds", "99999999999999999999:1"], ["--seeds", "5:3"], ["--seeds", "4:4"],
             ["--seeds", "abc"], ["--error-rate", "2"], ["--error-rate", "-0.5"],
             ["--seeds", "0:1", "extra"], ["--print"], ["--seed", "-1"], ["--seed", "1", "--seeds", "0:2"]):
    expect(args, 2)

# The last seeds of the 64-bit range: one model each, with more jobs than seeds
# (a counter that wrapped at 2^64 would hand out seed 0 and never stop).
expect(["--seeds", "18446744073709551614:18446744073709551615", "--jobs", "2"], 0, stdout_has="1 models")
expect(["--seeds", "18446744073709551613:18446744073709551615", "--jobs", "3"], 0, stdout_has="2 models")
# Counts as people write them.
expect(["--seeds", "1e1:12", "--jobs", "1"], 0, stdout_has="2 models (seeds 10:12)")
expect(["--seed", "1_0"], 0, stdout_has="difftest seed 10: no mismatch", stdout_lacks="reproduce")

if failures:
    print("\n\n".join(failures))
    sys.exit(1)
print("riskcast_difftest command line: all cases as expected")
