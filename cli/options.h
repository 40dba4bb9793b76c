// A small reader of command-line arguments: operands and options written
// `--name`, `--name VALUE` or `--name=VALUE`.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "cli/commands.h"

namespace kafkasim::cli {

class OptionReader {
 public:
  explicit OptionReader(const Args& args) : args_(args) {}

  bool done() const { return pos_ >= args_.size(); }

  // Advances to the next argument. For `--name=VALUE` the name is "--name"
  // and VALUE is kept for value().
  void next() {
    const std::string& a = args_[pos_++];
    inline_value_.reset();
    name_ = a;
    if (a.rfind("--", 0) == 0) {
      const auto eq = a.find('=');
      if (eq != std::string::npos) {
        name_ = a.substr(0, eq);
        inline_value_ = a.substr(eq + 1);
      }
    }
  }

  // The current argument (an option's name without its `=VALUE`).
  const std::string& name() const { return name_; }
  // An option: starts with '-' and is not "-" alone.
  bool is_option() const { return name_.size() > 1 && name_[0] == '-'; }
  // The current option's value: its `=VALUE`, or the next argument.
  std::optional<std::string> value() {
    if (inline_value_) {
      auto v = std::move(inline_value_);
      inline_value_.reset();
      return v;
    }
    if (pos_ >= args_.size()) return std::nullopt;
    return args_[pos_++];
  }
  // True when the option was written `--name=VALUE` and the value unused.
  bool has_unused_value() const { return inline_value_.has_value(); }

 private:
  const Args& args_;
  std::size_t pos_ = 0;
  std::string name_;
  std::optional<std::string> inline_value_;
};

}  // namespace kafkasim::cli
