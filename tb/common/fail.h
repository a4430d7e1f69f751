// fail.h -- how a harness run ends on the first difference: tb::fail(what) throws
// tb::Failure; the runner (runner.h) catches it, reports it and writes the waveform.
// tb::format builds the message.
// (Apart from sim.h so that code without a Verilated model, e.g. case generation, can
// fail too.)
#ifndef TB_FAIL_H
#define TB_FAIL_H

#include <cstdarg>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace tb {

// A failure of the design under test, or an inconsistency the harness finds while
// running: the message says what, where (indices), expected and actual.
class Failure : public std::runtime_error {
public:
    explicit Failure(const std::string &what) : std::runtime_error(what) {}
};

[[noreturn]] inline void fail(const std::string &what) { throw Failure(what); }

// printf into a std::string, any length (for failure messages)
inline std::string format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
inline std::string format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = std::vsnprintf(nullptr, 0, fmt, ap);
    va_end(ap);
    std::string s(n > 0 ? (std::size_t)n : 0, '\0');
    if (n > 0)
        std::vsnprintf(&s[0], (std::size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return s;
}

} // namespace tb

#endif
