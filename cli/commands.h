// The kafkasim subcommands. Each takes the arguments after its name and
// returns the process exit status of SPEC.md §1:
//   0 expectations met / history valid, 1 not met / anomalies found,
//   2 bad input or usage, 3 the harness itself failed.
#pragma once

#include <string>
#include <vector>

namespace kafkasim::cli {

using Args = std::vector<std::string>;

int run_command(const Args& args);
int check_command(const Args& args);
int replay_command(const Args& args);
int list_command(const Args& args);
// `kafkasim real`: real librdkafka clients (real-clients/, docs/real-clients.md).
int real_command(const Args& args);
// `kafkasim help [COMMAND]`.
int help_command(const Args& args);

// Prints the top-level help to stdout.
void print_help();
// Prints the help of `command` ("run", "replay", "list", "check") to
// stdout; false for an unknown command.
bool print_command_help(const std::string& command);

// A usage error of `command`: prints "kafkasim COMMAND: WHAT" and a pointer
// to the help on stderr; returns 2.
int usage_error(const std::string& command, const std::string& what);

}  // namespace kafkasim::cli
