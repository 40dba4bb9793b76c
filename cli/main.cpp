#include <cstdio>
#include <exception>
#include <string>

#include "cli/commands.h"

int main(int argc, char** argv) {
  using namespace kafkasim::cli;
  if (argc < 2) {
    print_help();
    return 2;
  }
  std::string cmd = argv[1];
  Args args(argv + 2, argv + argc);
  try {
    if (cmd == "run") return run_command(args);
    if (cmd == "check") return check_command(args);
    if (cmd == "replay") return replay_command(args);
    if (cmd == "list") return list_command(args);
    if (cmd == "real") return real_command(args);
    if (cmd == "help") return help_command(args);
    if (cmd == "--help" || cmd == "-h") {
      print_help();
      return 0;
    }
    if (cmd == "--version" || cmd == "version") {
      std::printf("kafkasim %s\n", KAFKASIM_VERSION);
      return 0;
    }
    std::fprintf(stderr, "kafkasim: unknown command '%s' (see kafkasim --help)\n", cmd.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kafkasim: internal error: %s\n", e.what());
    return 3;
  }
}
