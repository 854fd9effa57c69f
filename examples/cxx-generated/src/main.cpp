#include <iostream>
#include "words.hpp"

int main()
{
    std::cout << word_count << " generated words:";
    for (std::size_t i = 0; i < word_count; ++i)
        std::cout << ' ' << words[i];
    std::cout << '\n';
}
