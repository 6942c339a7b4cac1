#include "source/checkout.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <system_error>

#include "source/private_dir.hpp"
#include "util/process_end.hpp"
#include "util/shell_words.hpp"

namespace deployhook {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view AGE_SUFFIX = ".age";
constexpr std::string_view SECRETS_LINK = ".secrets";

std::string Short(std::string_view commit) { return std::string(commit.substr(0, 12)); }

// The .age files below `tree`, relative to it.
std::vector<fs::path> EncryptedFiles(const fs::path& tree) {
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(tree)) {
    if (entry.is_regular_file() && entry.path().filename().string().ends_with(AGE_SUFFIX) &&
        entry.path().filename().string().size() > AGE_SUFFIX.size()) {
      files.push_back(fs::relative(entry.path(), tree));
    }
  }
  return files;
}

bool CreatePrivateFile(const fs::path& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

fs::path WithoutSuffix(const fs::path& encrypted) {
  std::string name = encrypted.string();
  return name.substr(0, name.size() - AGE_SUFFIX.size());
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

SourceRun::SourceRun(SourceContext context)
    : context_(std::move(context)), source_(*context_.target.source),
      git_env_(GitEnvironment(source_, context_.env)) {
  context_.redactor.Add(source_.token);
}

SourceRun::~SourceRun() {
  std::error_code error;
  for (const std::string& commit : prepared_) fs::remove(Folder() / (commit + std::string(SECRETS_LINK)), error);
  for (const fs::path& folder : decrypted_) RemoveTree(folder);
}

fs::path SourceRun::Cache() const { return context_.state_dir / "sources" / (context_.target.name + ".git"); }

fs::path SourceRun::Folder() const { return context_.state_dir / "checkouts" / context_.target.name; }

void SourceRun::Fail(const std::string& what) {
  context_.log("[source: " + what + "; nothing was changed]\n");
}

bool SourceRun::Command(const std::string& name, const Argv& argv, bool record, ProcessResult* result,
                        const Environment& extra, std::chrono::seconds timeout) {
  ProcessSpec spec;
  spec.argv = argv;
  spec.cwd = context_.state_dir;
  spec.env = git_env_;
  for (const auto& [key, value] : extra) spec.env[key] = value;
  spec.timeout = timeout;
  spec.stderr_apart = result != nullptr;  // a command whose stdout is read
  context_.log("$ " + ShellWords(argv) + "\n");
  ProcessResult done = context_.run(spec);
  context_.log(done.output);
  context_.log(done.error_output);
  context_.log(EndLine(name, done));
  if (record) steps_.push_back({name, argv, done.exit_code, done.seconds});
  bool ok = Succeeded(done);
  if (result != nullptr) *result = std::move(done);
  return ok;
}

bool SourceRun::Fetch() {
  if (fetched_) return true;
  std::error_code error;
  fs::create_directories(Cache().parent_path(), error);
  if (!fs::exists(Cache() / "HEAD") && !Command("init", InitArgv(Cache()), false)) {
    Fail("cannot create the repository cache " + Cache().string());
    return false;
  }
  if (!Command("remote", SetUrlArgv(Cache(), source_.url), false) ||
      !Command("fetch", FetchArgv(Cache(), context_.target.branch), true, nullptr, {},
               std::chrono::seconds(context_.target.pull_timeout))) {
    Fail("cannot fetch branch " + context_.target.branch + " from " + source_.url);
    return false;
  }
  fetched_ = true;
  return true;
}

std::optional<std::string> SourceRun::Resolve(const std::string& commit, OnBranch check) {
  const std::string& branch = context_.target.branch;
  if (commit.empty()) {
    ProcessResult tip;
    if (!Fetch()) return std::nullopt;
    if (!Command("tip", TipArgv(Cache(), branch), false, &tip)) {
      Fail("branch " + branch + " has no tip in " + source_.url);
      return std::nullopt;
    }
    std::string id = tip.output.substr(0, tip.output.find('\n'));
    if (!IsCommitId(id)) {
      Fail("branch " + branch + " has no readable tip");
      return std::nullopt;
    }
    return id;
  }
  if (!IsCommitId(commit)) {
    Fail("\"" + commit + "\" is not a commit id");
    return std::nullopt;
  }
  if (check == OnBranch::Verify || !fs::is_directory(Folder() / commit)) {
    if (!Fetch()) return std::nullopt;
  }
  if (check == OnBranch::Verify && !Command("verify", OnBranchArgv(Cache(), commit, branch), true)) {
    Fail("commit " + Short(commit) + " is not on branch " + branch + " of " + source_.url);
    return std::nullopt;
  }
  return commit;
}

bool SourceRun::LinkEncrypted(const fs::path& tree, const std::string& commit) {
  for (const fs::path& encrypted : EncryptedFiles(tree)) {
    fs::path plain = WithoutSuffix(encrypted);
    if (fs::exists(fs::symlink_status(tree / plain))) {
      Fail("the commit holds both " + plain.string() + " and " + encrypted.string());
      return false;
    }
    if (!source_.age_identity_file) {
      Fail(encrypted.string() + " is encrypted, but the target has no age_identity_file");
      return false;
    }
    // From the file's folder up to state_dir/checkouts/<target>, then into the run's link.
    std::string up;
    for (std::size_t depth = std::distance(plain.begin(), plain.end()); depth > 0; --depth) up += "../";
    fs::create_symlink(up + commit + std::string(SECRETS_LINK) + "/" + plain.string(), tree / plain);
  }
  return true;
}

bool SourceRun::CheckOut(const std::string& commit) {
  fs::path tree = Folder() / commit;
  if (fs::is_directory(tree)) return true;
  fs::path partial = Folder() / (commit + ".partial");
  fs::path index = Folder() / (commit + ".index");
  RemoveTree(partial);
  fs::create_directories(partial);
  ProcessResult type;
  if (!Command("path", PathTypeArgv(Cache(), commit, source_.path), false, &type) ||
      type.output.substr(0, 4) != "tree") {
    Fail("source_path \"" + source_.path + "\" is no folder at commit " + Short(commit));
    return false;
  }
  bool written = Command("checkout", CheckoutArgv(Cache(), partial, commit, source_.path), true, nullptr,
                         {{"GIT_INDEX_FILE", index.string()}});
  std::error_code error;
  fs::remove(index, error);
  if (!written) {
    Fail("cannot check out " + Short(commit));
    return false;
  }
  if (!LinkEncrypted(partial, commit)) return false;
  MakeReadOnly(partial);
  fs::rename(partial, tree);
  return true;
}

bool SourceRun::Decrypt(const std::string& commit) {
  fs::path tree = Folder() / commit;
  std::vector<fs::path> files = EncryptedFiles(tree);
  if (files.empty()) return true;
  if (std::string why = PrepareSecretsBase(context_.secrets_base); !why.empty()) {
    Fail("cannot decrypt: " + why);
    return false;
  }
  fs::path folder = MakePrivateDir(context_.secrets_base, context_.target.name + "." + Short(commit) + ".");
  decrypted_.push_back(folder);
  fs::path link = Folder() / (commit + std::string(SECRETS_LINK));
  std::error_code error;
  fs::remove(link, error);
  fs::create_symlink(folder, link);
  for (const fs::path& encrypted : files) {
    fs::path plain = folder / WithoutSuffix(encrypted);
    fs::create_directories(plain.parent_path());
    fs::permissions(plain.parent_path(), fs::perms::owner_all, fs::perm_options::replace);
    // Made 0600 first: age truncates and writes it, so the plaintext is never readable to more.
    if (!CreatePrivateFile(plain)) {
      Fail("cannot create " + plain.string());
      return false;
    }
    if (!Command("decrypt", DecryptArgv(*source_.age_identity_file, tree / encrypted, plain), true)) {
      Fail("cannot decrypt " + encrypted.string() + " with " + source_.age_identity_file->string());
      return false;
    }
    for (const std::string& value : SecretValues(ReadAll(plain))) context_.redactor.Add(value);
  }
  return true;
}

std::optional<Checkout> SourceRun::Prepare(const std::string& commit, OnBranch check) {
  std::optional<std::string> resolved = Resolve(commit, check);
  if (!resolved) return std::nullopt;
  fs::create_directories(Folder());
  if (!CheckOut(*resolved)) return std::nullopt;
  prepared_.push_back(*resolved);
  if (!Decrypt(*resolved)) return std::nullopt;
  return Checkout{.commit = *resolved, .dir = Folder() / *resolved};
}

void SourceRun::Prune(const std::set<std::string>& keep) noexcept {
  std::vector<fs::path> gone;
  std::error_code error;
  for (auto it = fs::directory_iterator(Folder(), error); !error && it != fs::directory_iterator(); it.increment(error)) {
    std::string name = it->path().filename().string();
    std::string commit = name.substr(0, name.find('.'));
    bool current = keep.contains(commit) || std::find(prepared_.begin(), prepared_.end(), commit) != prepared_.end();
    if (current && (name == commit || name.ends_with(SECRETS_LINK))) continue;
    gone.push_back(it->path());
  }
  // Folders of decrypted files that an interrupted run of this target left behind (target names
  // hold no '.', so the prefix names this target alone).
  std::string prefix = context_.target.name + ".";
  for (auto it = fs::directory_iterator(context_.secrets_base, error); !error && it != fs::directory_iterator();
       it.increment(error)) {
    bool mine = std::find(decrypted_.begin(), decrypted_.end(), it->path()) != decrypted_.end();
    if (!mine && it->path().filename().string().starts_with(prefix)) gone.push_back(it->path());
  }
  for (const fs::path& path : gone) RemoveTree(path);
}

}  // namespace deployhook
