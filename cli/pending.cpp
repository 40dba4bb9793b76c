// Temporary: subcommands whose implementation lands later in this session.
#include <cstdio>
#include "cli/commands.h"
namespace kafkasim::cli {
int run_command(const Args&) { std::fprintf(stderr, "kafkasim run: not built yet\n"); return 3; }
int replay_command(const Args&) { std::fprintf(stderr, "kafkasim replay: not built yet\n"); return 3; }
int list_command(const Args&) { std::fprintf(stderr, "kafkasim list: not built yet\n"); return 3; }
void print_help() { std::printf("usage: kafkasim run|check|replay|list ...\n"); }
}  // namespace kafkasim::cli
