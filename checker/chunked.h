// Chunked<T>: an append-only array in fixed-size chunks. Growing never
// copies or moves elements, so a large history is built without the
// transient double footprint of a vector's reallocation. Move-only.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace kafkasim::checker {

template <class T, unsigned kShift = 16>
class Chunked {
 public:
  static constexpr std::size_t kChunk = std::size_t{1} << kShift;

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  void push_back(const T& v) {
    if ((size_ >> kShift) == chunks_.size()) chunks_.push_back(std::make_unique_for_overwrite<T[]>(kChunk));
    chunks_[size_ >> kShift][size_ & (kChunk - 1)] = v;
    ++size_;
  }
  // REQUIRES: n <= size(). Keeps the chunks for reuse.
  void truncate(std::size_t n) { size_ = n; }

  const T& operator[](std::size_t i) const { return chunks_[i >> kShift][i & (kChunk - 1)]; }
  T& operator[](std::size_t i) { return chunks_[i >> kShift][i & (kChunk - 1)]; }
  const T& back() const { return (*this)[size_ - 1]; }

 private:
  std::vector<std::unique_ptr<T[]>> chunks_;
  std::size_t size_ = 0;
};

}  // namespace kafkasim::checker
