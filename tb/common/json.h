// json.h -- the harnesses' JSON reports: one flat object, one key per line, keys in
// the order written, e.g.
//   {
//     "design": "tf_default",
//     "checks": 34978,
//     "passed": true
//   }
// Written by hand on purpose: the reports are flat objects of numbers, booleans and
// strings written in one place each, and the number formats must stay byte for byte what
// scripts and earlier reports have (fixed decimals chosen per key, which a library's one
// global real format cannot give). The generator, which writes nested structures, uses
// jansson. Strings are escaped per RFC 8259: quote, backslash and every control
// character; other bytes (UTF-8) pass through.
#ifndef TB_JSON_H
#define TB_JSON_H

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace tb {

inline std::string json_string(const std::string &s)
{
    std::string out = "\"";
    for (char ch : s) {
        unsigned char c = (unsigned char)ch;
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += ch;
            }
        }
    }
    return out + "\"";
}

class Json {
public:
    template <class T, typename std::enable_if<std::is_integral<T>::value && !std::is_same<T, bool>::value, int>::type = 0>
    Json &integer(const char *key, T v)
    {
        return raw(key, std::to_string(v));
    }
    // a number with a fixed count of decimals (%.<decimals>f)
    Json &fixed(const char *key, double v, int decimals)
    {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
        return raw(key, buf);
    }
    Json &boolean(const char *key, bool v) { return raw(key, v ? "true" : "false"); }
    Json &string(const char *key, const std::string &v) { return raw(key, json_string(v)); }

    std::string text() const
    {
        std::string t = "{\n";
        for (std::size_t i = 0; i < kv_.size(); i++)
            t += "  " + json_string(kv_[i].first) + ": " + kv_[i].second + (i + 1 < kv_.size() ? ",\n" : "\n");
        return t + "}\n";
    }
    // Writes the object to path; on an error says so on stderr and returns false.
    bool write(const std::string &path) const
    {
        FILE *f = std::fopen(path.c_str(), "w");
        std::string t = text();
        bool ok = f && std::fwrite(t.data(), 1, t.size(), f) == t.size();
        int err = errno;
        if (f && std::fclose(f) != 0)
            ok = false, err = errno;
        if (!ok)
            std::fprintf(stderr, "%s: %s\n", path.c_str(), std::strerror(err));
        return ok;
    }

private:
    Json &raw(const char *key, const std::string &v)
    {
        kv_.emplace_back(key, v);
        return *this;
    }
    std::vector<std::pair<std::string, std::string>> kv_;
};

} // namespace tb

#endif
