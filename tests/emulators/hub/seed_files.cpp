#include "emulators/hub/seed_files.h"

namespace spaceport::hub_emulator {
namespace {

constexpr const char* kGitAttributes =
    "*.7z filter=lfs diff=lfs merge=lfs -text\n"
    "*.bin filter=lfs diff=lfs merge=lfs -text\n"
    "*.gz filter=lfs diff=lfs merge=lfs -text\n"
    "*.onnx filter=lfs diff=lfs merge=lfs -text\n"
    "*.pt filter=lfs diff=lfs merge=lfs -text\n"
    "*.safetensors filter=lfs diff=lfs merge=lfs -text\n"
    "*.tar filter=lfs diff=lfs merge=lfs -text\n"
    "*.zip filter=lfs diff=lfs merge=lfs -text\n";

}  // namespace

FileMap SeedFiles(const RepoId& id, const std::string& sdk) {
  FileMap files;
  files[".gitattributes"] = MakeBlob(kGitAttributes);
  if (id.type != RepoType::kSpace) return files;
  const char* emoji = sdk == "docker" ? "\xF0\x9F\x90\xB3" : "\xF0\x9F\x9A\x80";  // 🐳 / 🚀
  files["README.md"] = MakeBlob("---\ntitle: " + id.name + "\nemoji: " + emoji +
                                "\ncolorFrom: purple\ncolorTo: gray\nsdk: " + sdk +
                                "\npinned: false\n---\n\nCheck out the configuration reference "
                                "at https://huggingface.co/docs/hub/spaces-config-reference\n");
  if (sdk == "static") {
    files["index.html"] = MakeBlob("<!doctype html>\n<html>\n<head>\n<link rel=\"stylesheet\" "
                                   "href=\"style.css\" />\n</head>\n<body>\n<h1>Welcome to your "
                                   "static Space!</h1>\n</body>\n</html>\n");
    files["style.css"] = MakeBlob("body {\n  padding: 2rem;\n  font-family: sans-serif;\n}\n");
  }
  return files;
}

}  // namespace spaceport::hub_emulator
