// selftest.cpp -- checks of the tb/common pieces that need no Verilated model: JSON
// escaping and layout, the option parser and the replay command, the scoreboard, the
// random engine's draw discipline. Build and run (prints "selftest: N passed, 0 failed"):
//   g++ -std=c++17 -Wall -Wextra -Werror -Itb/common -o build/tb_selftest tb/common/selftest.cpp
//   build/tb_selftest
#include "fail.h"
#include "json.h"
#include "options.h"
#include "rng.h"
#include "scoreboard.h"

#include <cstdio>
#include <string>
#include <vector>

static int passed, failed;

static void expect(bool ok, const std::string &what)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        std::printf("FAIL %s\n", what.c_str());
    }
}

static void expect_eq(const std::string &got, const std::string &want, const std::string &what)
{
    expect(got == want, what + ": got [" + got + "], want [" + want + "]");
}

static void json_tests()
{
    expect_eq(tb::json_string("plain"), "\"plain\"", "plain string");
    expect_eq(tb::json_string("a\"b\\c"), "\"a\\\"b\\\\c\"", "quote and backslash");
    expect_eq(tb::json_string("l1\nl2\tx\r"), "\"l1\\nl2\\tx\\r\"", "newline, tab, CR");
    expect_eq(tb::json_string(std::string("\x01\x1f", 2)), "\"\\u0001\\u001f\"", "control characters");
    expect_eq(tb::json_string("S^T \xc3\xa9"), "\"S^T \xc3\xa9\"", "UTF-8 passes through");
    tb::Json j;
    j.string("design", "d").integer("seed", (uint64_t)18446744073709551615ULL).integer("n", -3)
        .fixed("u", 0.1234567, 6).fixed("w", 2.5, 0).boolean("passed", false).string("failure", "");
    expect_eq(j.text(),
              "{\n  \"design\": \"d\",\n  \"seed\": 18446744073709551615,\n  \"n\": -3,\n  \"u\": 0.123457,\n"
              "  \"w\": 2,\n  \"passed\": false,\n  \"failure\": \"\"\n}\n",
              "object layout and number formats");
}

struct TestOptions : tb::Options {
    int gemms = 40;
    bool no_edge = false;
    std::string csv;
    TestOptions() : tb::Options("prog", "f.fst")
    {
        streams(0.3, 0.1);
        units("test");
        add("--gemms", "N", "", gemms);
        flag("--no-edge", "", no_edge);
        add("--csv", "FILE", "", csv, false);
    }
};

static void options_tests()
{
    TestOptions o;
    std::vector<std::string> args = {"./h", "--gemms", "30", "--seed", "0x10", "--json", "r.json", "--no-edge",
                                     "--bp", "0.5", "--csv", "x y.csv", "--only", "7"};
    std::vector<char *> argv;
    for (auto &a : args)
        argv.push_back(&a[0]);
    o.parse((int)argv.size(), argv.data());
    expect(o.gemms == 30 && o.seed == 16 && o.json == "r.json" && o.no_edge && o.bp == 0.5 && o.in_gap == 0.1 &&
               o.csv == "x y.csv" && o.only == 7 && o.fst == "f.fst" && o.guard == tb::DEFAULT_GUARD,
           "values parsed");
    expect_eq(o.replay_command(12), "./h --seed 16 --gemms 30 --no-edge --bp 0.5 --only 12",
              "replay: run options kept, outputs dropped, --only of the failing unit");
    expect_eq(o.replay_command(-1), "./h --seed 16 --gemms 30 --no-edge --bp 0.5", "replay before the first unit");

    long long ll;
    uint64_t u;
    double d;
    expect(!tb::Options::parse_ll("12x", ll) && !tb::Options::parse_ll("", ll) && !tb::Options::parse_ll("-1", ll) &&
               tb::Options::parse_ll("12", ll) && ll == 12,
           "counts: digits only, >= 0");
    expect(!tb::Options::parse_u64("-1", u) && tb::Options::parse_u64("0x5eed", u) && u == 0x5eed, "seeds");
    expect(!tb::Options::parse_prob("1.5", d) && !tb::Options::parse_prob("nan", d) &&
               !tb::Options::parse_prob("0.3x", d) && tb::Options::parse_prob("1", d) && d == 1,
           "probabilities 0..1");
}

static void scoreboard_tests()
{
    tb::Scoreboard sb;
    long long pad = 0;
    sb.expect(5, 5, [] { return std::string("unused"); });
    sb.expect(pad, 0, 0, [] { return std::string("unused"); });
    std::string what;
    try {
        sb.expect(7, 8, [] { return std::string("C[1][2]: expected 7, actual 8"); });
    } catch (const tb::Failure &f) {
        what = f.what();
    }
    expect(sb.checks == 2 && pad == 1 && sb.mismatches == 1, "counts");
    expect_eq(what, "C[1][2]: expected 7, actual 8", "the mismatch ends the run with its description");
    expect_eq(sb.first(), what, "the first mismatch is kept");
    expect_eq(tb::format("%s %d %05.1f", "x", 3, 2.25), "x 3 002.2", "format");
    expect_eq(tb::format("%s", std::string(1000, 'a').c_str()).substr(995), "aaaaa", "format: any length");
}

static void rng_tests()
{
    // chance() draws exactly once whatever the probability: the draws after it are the same
    tb::Rng a(1), b(1);
    a.chance(0), b.chance(0.9);
    expect(a() == b(), "chance draws once for any p");
    std::mt19937_64 ref(42);
    tb::Rng r(42);
    bool want = std::uniform_real_distribution<double>(0, 1)(ref) < 0.3;
    expect(want == r.chance(0.3) && ref() == r(),
           "chance is uniform_real_distribution(0, 1) < p on mt19937_64");
}

int main()
{
    json_tests();
    options_tests();
    scoreboard_tests();
    rng_tests();
    std::printf("selftest: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
