// options.h -- one command-line parser for the harnesses.
//
// Common options, always there:
//   --seed S      the run's seed (every random choice derives from it)
//   --json FILE   the JSON report (json.h)
//   --fst FILE    the waveform written when the run fails (a traced replay, runner.h)
//   --quiet       no summary line unless the run fails
//   --guard N     cycles a wait may last before it fails the run (stream.h)
// With streams(): --bp P (probability an output ready is low in a cycle) and --in-gap P
// (probability an input valid is low in a cycle). With units(): --only I (run unit I
// alone). Each harness registers its own options (add, flag). Values are checked:
// a number must be all number, counts are >= 0, probabilities 0..1; a bad command line
// prints a message and the usage and exits with status 2 (before any simulation).
//
// replay_command(unit) rebuilds the command line that runs the same test again: the
// program, --seed, every option given that changes what runs (not the output files),
// and --only for the failing unit.
#ifndef TB_OPTIONS_H
#define TB_OPTIONS_H

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace tb {

// The default bound of a wait for the design, in cycles (--guard; stream.h): longer than
// any handshake of the blocks waits legitimately (docs/architecture.md 5.1 says how it is
// chosen). Waits whose length the model knows (a GEMM's results) take their bound from
// the model instead.
constexpr uint64_t DEFAULT_GUARD = 100000;

class Options {
public:
    uint64_t seed = 1;
    std::string json, fst;
    bool quiet = false;
    uint64_t guard;
    double bp = 0, in_gap = 0; // with streams()
    long only = -1;            // with units(); -1: every unit

    // prog: the name messages start with; fst_default: the waveform file unless --fst;
    // guard_default: the bound of a wait.
    Options(std::string prog, std::string fst_default, uint64_t guard_default = DEFAULT_GUARD)
        : guard(guard_default), prog_(std::move(prog))
    {
        fst = std::move(fst_default);
        add("--seed", "S", "seed of the run", [this](const char *v) { return parse_u64(v, seed); });
        add("--json", "FILE", "write the JSON report to FILE", json, false);
        add("--fst", "FILE", "waveform of a failure (default " + fst + ")", fst, false);
        flag("--quiet", "no summary line unless the run fails", quiet, false);
        add("--guard", "N", "cycles a wait for the design may last (default " + std::to_string(guard) + ")",
            [this](const char *v) { return parse_u64(v, guard) && guard > 0; });
    }

    // the registered options refer to this object's members
    Options(const Options &) = delete;
    Options &operator=(const Options &) = delete;

    // --bp and --in-gap, with this harness's defaults
    void streams(double bp_default, double in_gap_default)
    {
        bp = bp_default, in_gap = in_gap_default;
        add("--bp", "P", "probability the output ready is low in a cycle (default " + num(bp) + ")",
            [this](const char *v) { return parse_prob(v, bp); });
        add("--in-gap", "P", "probability the input valid is low in a cycle (default " + num(in_gap) + ")",
            [this](const char *v) { return parse_prob(v, in_gap); });
    }
    // --only I; what: the unit ("test")
    void units(const std::string &what)
    {
        units_ = true;
        add("--only", "I", "run " + what + " I alone", [this](const char *v) {
            long long x;
            return parse_ll(v, x) && (only = (long)x, true);
        });
    }

    // Per-harness options. replay: the option changes what runs (kept in the replay
    // command line); output files and verbosity do not.
    void add(const std::string &name, const std::string &meta, const std::string &help,
             std::function<bool(const char *)> set, bool replay = true)
    {
        opts_.push_back({name, meta, help, std::move(set), nullptr, replay});
    }
    void add(const std::string &name, const std::string &meta, const std::string &help, int &v,
             bool replay = true)
    {
        add(name, meta, help, [&v](const char *s) {
            long long x;
            return parse_ll(s, x) && x <= 0x7fffffff && (v = (int)x, true);
        }, replay);
    }
    void add(const std::string &name, const std::string &meta, const std::string &help, long long &v,
             bool replay = true)
    {
        add(name, meta, help, [&v](const char *s) { return parse_ll(s, v); }, replay);
    }
    // a probability (0..1)
    void add(const std::string &name, const std::string &meta, const std::string &help, double &v,
             bool replay = true)
    {
        add(name, meta, help, [&v](const char *s) { return parse_prob(s, v); }, replay);
    }
    void add(const std::string &name, const std::string &meta, const std::string &help, std::string &v,
             bool replay = true)
    {
        add(name, meta, help, [&v](const char *s) { return (v = s, true); }, replay);
    }
    void flag(const std::string &name, const std::string &help, bool &v, bool replay = true)
    {
        opts_.push_back({name, "", help, nullptr, &v, replay});
    }

    // Parses argv; on a bad command line prints why and the usage and exits with 2.
    void parse(int argc, char **argv)
    {
        argv0_ = argc > 0 ? argv[0] : prog_;
        for (int i = 1; i < argc; i++) {
            std::string a = argv[i];
            if (a == "-h" || a == "--help") {
                usage(stdout);
                std::exit(0);
            }
            const Opt *o = find(a);
            if (!o)
                bad("unknown argument '" + a + "'");
            if (o->flag) {
                *o->flag = true;
                given_.push_back({(std::size_t)(o - opts_.data()), ""});
                continue;
            }
            if (i + 1 >= argc)
                bad(a + " needs a value");
            const char *v = argv[++i];
            if (!o->set(v))
                bad(a + " " + v + ": " + (o->meta == "P" ? "wants a probability 0..1" : "bad value"));
            given_.push_back({(std::size_t)(o - opts_.data()), v});
        }
    }
    // For checks after parsing (e.g. a shape outside the design's range).
    [[noreturn]] void bad(const std::string &why) const
    {
        std::fprintf(stderr, "%s: %s\n", prog_.c_str(), why.c_str());
        usage(stderr);
        std::exit(2);
    }
    bool has_units() const { return units_; }
    const std::string &prog() const { return prog_; }

    // The command line that runs unit `unit` again (all units if unit < 0 or the
    // harness has no --only).
    std::string replay_command(long unit) const
    {
        std::string c = argv0_ + " --seed " + std::to_string(seed);
        for (const auto &g : given_) {
            const Opt &o = opts_[g.first];
            if (!o.replay || o.name == "--seed" || o.name == "--only")
                continue;
            c += " " + o.name;
            if (!o.flag)
                c += " " + quote(g.second);
        }
        if (units_ && unit >= 0)
            c += " --only " + std::to_string(unit);
        return c;
    }

    static bool parse_ll(const char *s, long long &v)
    {
        char *end;
        errno = 0;
        long long x = std::strtoll(s, &end, 10);
        if (!*s || *end || errno || x < 0)
            return false;
        v = x;
        return true;
    }
    static bool parse_u64(const char *s, uint64_t &v)
    {
        char *end;
        errno = 0;
        if (!*s || *s == '-')
            return false;
        unsigned long long x = std::strtoull(s, &end, 0);
        if (*end || errno)
            return false;
        v = x;
        return true;
    }
    static bool parse_prob(const char *s, double &v)
    {
        char *end;
        double x = std::strtod(s, &end);
        if (!*s || *end || !(x >= 0 && x <= 1))
            return false;
        v = x;
        return true;
    }

private:
    struct Opt {
        std::string name, meta, help;
        std::function<bool(const char *)> set; // value options
        bool *flag;                            // flags
        bool replay;
    };
    const Opt *find(const std::string &name) const
    {
        for (const Opt &o : opts_)
            if (o.name == name)
                return &o;
        return nullptr;
    }
    void usage(FILE *f) const
    {
        std::fprintf(f, "usage: %s [options]\n", prog_.c_str());
        for (const Opt &o : opts_) {
            std::string left = o.name + (o.meta.empty() ? "" : " " + o.meta);
            std::fprintf(f, "  %-24s %s\n", left.c_str(), o.help.c_str());
        }
    }
    static std::string num(double v)
    {
        char b[32];
        std::snprintf(b, sizeof b, "%g", v);
        return b;
    }
    static std::string quote(const std::string &s)
    {
        bool plain = !s.empty();
        for (char ch : s)
            if (!(std::isalnum((unsigned char)ch) || std::string("_./,=:+-").find(ch) != std::string::npos))
                plain = false;
        if (plain)
            return s;
        std::string q = "'";
        for (char ch : s)
            q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
        return q + "'";
    }

    std::string prog_, argv0_;
    bool units_ = false;
    std::vector<Opt> opts_;
    std::vector<std::pair<std::size_t, std::string>> given_; // (option, value) as given
};

} // namespace tb

#endif
