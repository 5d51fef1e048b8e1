// A libFuzzer-compatible driver without libFuzzer: runs LLVMFuzzerTestOneInput over a corpus
// and then over a bounded, deterministic set of mutations of it, so that every fuzz target is
// exercised by ctest on any compiler.
//
// Usage: <target>_replay <file-or-dir>... [--iterations=N] [--seed=S] [--dict=FILE]
// Exit status 0 when every input ran (a target reports a failure by aborting).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

constexpr size_t kMaxInputSize = 4096;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void RunOne(const std::string& input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// libFuzzer dictionary: one `name="value"` or `"value"` per line, \\ \" \xNN escapes, # comments.
std::vector<std::string> ReadDictionary(const std::string& path) {
  std::vector<std::string> words;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    size_t first = line.find('"');
    size_t last = line.rfind('"');
    if (line.empty() || line[0] == '#' || first == std::string::npos || last <= first) continue;
    std::string word;
    for (size_t i = first + 1; i < last; ++i) {
      if (line[i] == '\\' && i + 1 < last) {
        char e = line[++i];
        if (e == 'x' && i + 2 < last && HexValue(line[i + 1]) >= 0 && HexValue(line[i + 2]) >= 0) {
          word.push_back(static_cast<char>(HexValue(line[i + 1]) * 16 + HexValue(line[i + 2])));
          i += 2;
        } else {
          word.push_back(e);
        }
      } else {
        word.push_back(line[i]);
      }
    }
    words.push_back(std::move(word));
  }
  return words;
}

class Mutator {
 public:
  Mutator(uint64_t seed, const std::vector<std::string>& corpus,
          const std::vector<std::string>& dict)
      : rng_(seed), corpus_(corpus), dict_(dict) {}

  std::string Next() {
    std::string s = corpus_.empty() ? std::string() : corpus_[Pick(corpus_.size())];
    int rounds = 1 + static_cast<int>(Pick(4));
    for (int i = 0; i < rounds; ++i) Mutate(s);
    if (s.size() > kMaxInputSize) s.resize(kMaxInputSize);
    return s;
  }

 private:
  size_t Pick(size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng_() % n); }

  void Mutate(std::string& s) {
    switch (Pick(8)) {
      case 0:  // flip a byte
        if (!s.empty()) s[Pick(s.size())] = static_cast<char>(rng_());
        break;
      case 1:  // insert a random byte
        s.insert(s.begin() + static_cast<std::ptrdiff_t>(Pick(s.size() + 1)),
                 static_cast<char>(rng_()));
        break;
      case 2:  // erase a range
        if (!s.empty()) {
          size_t at = Pick(s.size());
          s.erase(at, 1 + Pick(std::min<size_t>(16, s.size() - at)));
        }
        break;
      case 3:  // truncate
        s.resize(Pick(s.size() + 1));
        break;
      case 4:  // splice with another corpus entry
        if (!corpus_.empty()) {
          const std::string& other = corpus_[Pick(corpus_.size())];
          s = s.substr(0, Pick(s.size() + 1)) + other.substr(Pick(other.size() + 1));
        }
        break;
      case 5:  // duplicate a range
        if (!s.empty()) {
          size_t at = Pick(s.size());
          std::string piece = s.substr(at, 1 + Pick(32));
          s.insert(Pick(s.size() + 1), piece);
        }
        break;
      default:  // insert a dictionary word (or printable ASCII without a dictionary)
        if (!dict_.empty()) {
          std::string word = dict_[Pick(dict_.size())];
          if (Pick(2) == 0) word = " " + word + " ";
          s.insert(Pick(s.size() + 1), word);
        } else {
          s.insert(s.begin() + static_cast<std::ptrdiff_t>(Pick(s.size() + 1)),
                   static_cast<char>(' ' + Pick(95)));
        }
        break;
    }
  }

  std::mt19937_64 rng_;
  const std::vector<std::string>& corpus_;
  const std::vector<std::string>& dict_;
};

}  // namespace

int main(int argc, char** argv) {
  long iterations = 5000;
  uint64_t seed = 0x5157414E5441ULL;
  std::vector<std::string> dict;
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.rfind("--iterations=", 0) == 0) {
      iterations = std::strtol(argv[i] + 13, nullptr, 10);
    } else if (arg.rfind("--seed=", 0) == 0) {
      seed = std::strtoull(argv[i] + 7, nullptr, 10);
    } else if (arg.rfind("--dict=", 0) == 0) {
      dict = ReadDictionary(std::string(arg.substr(7)));
    } else if (std::filesystem::is_directory(arg)) {
      for (const auto& entry : std::filesystem::directory_iterator(arg)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
    } else if (std::filesystem::is_regular_file(arg)) {
      files.emplace_back(arg);
    } else {
      std::fprintf(stderr, "no such corpus file or directory: %s\n", argv[i]);
      return 2;
    }
  }
  std::sort(files.begin(), files.end());

  std::vector<std::string> corpus;
  for (const auto& f : files) {
    corpus.push_back(ReadFile(f));
    RunOne(corpus.back());
  }
  RunOne(std::string());  // the empty input
  Mutator mutator(seed, corpus, dict);
  for (long i = 0; i < iterations; ++i) RunOne(mutator.Next());
  std::printf("replayed %zu corpus inputs and %ld generated inputs (seed %llu, %zu dict words)\n",
              corpus.size(), iterations, static_cast<unsigned long long>(seed), dict.size());
  return 0;
}
