#include <catch2/catch.hpp>

#include "sim/disk.h"
#include "sim/random.h"

using namespace kafkasim::sim;

TEST_CASE("a crash keeps the page cache, a power loss keeps only flushed bytes") {
  Disk disk;
  disk.append("log", "abc");
  disk.flush("log");
  disk.append("log", "def");
  REQUIRE(disk.read("log") == "abcdef");
  REQUIRE(disk.unflushed_bytes("log") == 3);
  disk.lose_unflushed(nullptr);
  REQUIRE(disk.read("log") == "abc");
}

TEST_CASE("a torn power loss keeps a prefix of the unflushed appends") {
  Prng rng(5);
  bool saw_partial = false;
  for (int i = 0; i < 50; ++i) {
    Disk disk;
    disk.append("log", "durable|");
    disk.flush("log");
    disk.append("log", "0123456789");
    disk.lose_unflushed(&rng);
    const std::string& data = disk.read("log");
    REQUIRE(data.size() >= 8);
    REQUIRE(std::string("durable|0123456789").compare(0, data.size(), data) == 0);
    if (data.size() > 8 && data.size() < 18) saw_partial = true;
  }
  REQUIRE(saw_partial);
}

TEST_CASE("rewrites and truncations roll back to the flushed contents on power loss") {
  Disk disk;
  disk.write_file("checkpoint", "hw=10");
  disk.flush("checkpoint");
  disk.write_file("checkpoint", "hw=20");
  disk.append("segment", "0123456789");
  disk.flush("segment");
  disk.truncate("segment", 4);
  disk.lose_unflushed(nullptr);
  REQUIRE(disk.read("checkpoint") == "hw=10");
  REQUIRE(disk.read("segment") == "0123456789");
}

TEST_CASE("rename moves a file with its durable contents and lists stay sorted") {
  Disk disk;
  disk.write_file("cp.tmp", "x");
  disk.flush("cp.tmp");
  disk.rename("cp.tmp", "cp");
  disk.append("b-seg", "1");
  disk.append("a-seg", "2");
  REQUIRE_FALSE(disk.exists("cp.tmp"));
  REQUIRE(disk.read("cp") == "x");
  REQUIRE(disk.list("") == std::vector<std::string>{"a-seg", "b-seg", "cp"});
  REQUIRE(disk.list("a") == std::vector<std::string>{"a-seg"});
  disk.lose_unflushed(nullptr);
  REQUIRE(disk.read("cp") == "x");
}
