"""cocotb_results.py -- the verdict of a cocotb run from its JUnit file (tb/mem/cocotb/run.sh, tb/common/cocotb_top.sh).

usage: cocotb_results.py RESULTS.xml SIM.log TAG
Prints one line per test and "cocotb TAG: N passed, M failed"; exits 1 on a failure or when
the run wrote no results (the tail of the simulator's log is printed then).
"""
import sys
import xml.etree.ElementTree as ET

xml, log, tag = sys.argv[1:4]
try:
    cases = list(ET.parse(xml).getroot().iter("testcase"))
except Exception as e:  # no file, or a truncated one: the simulation died
    print(open(log).read()[-3000:])
    sys.exit(f"cocotb {tag}: no results ({e})")
bad = [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
for c in cases:
    f = c.find("failure") if c.find("failure") is not None else c.find("error")
    print(f"  {'FAIL' if f is not None else 'pass'}  {c.get('name')}  {c.get('sim_time_ns', '')} ns"
          + (f": {f.get('message', '')}" if f is not None else ""))
print(f"cocotb {tag}: {len(cases) - len(bad)} passed, {len(bad)} failed")
if bad:
    print("log:", log)
sys.exit(1 if bad or not cases else 0)
