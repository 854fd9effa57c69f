#pragma once

#include <cstddef>
#include <string_view>

// Defined in the source that Build.cs generates from data/words.txt.
extern const std::string_view words[];
extern const std::size_t word_count;
