// spec.image.build: how to produce a missing image version (exactly one backend).
#include <algorithm>
#include <iterator>
#include <limits>
#include <vector>

#include "spec/default_values.h"
#include "spec/field_reader.h"
#include "spec/grammar.h"
#include "spec/validate.h"

namespace spaceport::spec {
namespace {

constexpr int64_t kMaxInt32 = std::numeric_limits<int32_t>::max();

void CheckPlaceholdersIn(DiagnosticSink& sink, std::string_view text, yaml::Mark mark,
                         const std::string& path) {
  for (std::string& why : CheckPlaceholders(text)) sink.Error(mark, path, std::move(why));
}

// A command line: a non-empty sequence of strings whose placeholders are checked; `if_empty`
// says what belongs there. The readable arguments, in order.
std::vector<std::string> ReadArguments(DiagnosticSink& sink, const yaml::Node& node,
                                       const std::string& path, const std::string& if_empty) {
  std::vector<std::string> out;
  auto items = ReadSequence(sink, node, path);
  if (!items) return out;
  if (items->empty()) sink.Error(node.mark, path, if_empty);
  for (size_t i = 0; i < items->size(); ++i) {
    const yaml::Node& arg = *(*items)[i];
    if (auto text = ReadString(sink, arg, ItemPath(path, i))) {
      CheckPlaceholdersIn(sink, *text, arg.mark, ItemPath(path, i));
      out.push_back(*text);
    }
  }
  return out;
}

GithubActionsBuild ReadGithubActions(DiagnosticSink& sink, const yaml::Node& node,
                                     const std::string& path) {
  GithubActionsBuild out = DefaultGithubActionsBuild();
  MapReader gha(sink, node, path, {"repository", "workflow", "ref", "inputs", "token"});
  if (!gha.is_mapping()) return out;

  if (const yaml::Node* repository = gha.Require("repository")) {
    if (auto text = ReadString(sink, *repository, gha.PathOf("repository"))) {
      if (auto why = CheckGithubRepository(*text)) {
        sink.Error(repository->mark, gha.PathOf("repository"), *why);
      }
      out.repository = *text;
    }
  }
  if (const yaml::Node* workflow = gha.Require("workflow")) {
    if (auto text = ReadString(sink, *workflow, gha.PathOf("workflow"))) {
      if (auto why = CheckWorkflow(*text)) sink.Error(workflow->mark, gha.PathOf("workflow"), *why);
      out.workflow = *text;
    }
  }
  if (const yaml::Node* ref = gha.Get("ref")) {
    if (auto text = ReadString(sink, *ref, gha.PathOf("ref"))) {
      if (auto why = CheckGitRef(*text)) sink.Error(ref->mark, gha.PathOf("ref"), *why);
      out.ref = *text;
    }
  }
  if (const yaml::Node* token = gha.Get("token"))
    out.token = ReadSecretSource(sink, *token, gha.PathOf("token"), "token");
  bool passes_build_id = false;
  const yaml::Node* inputs = gha.Get("inputs");
  if (inputs != nullptr) {
    if (auto map = ReadScalarMap(sink, *inputs, gha.PathOf("inputs"))) {
      for (const ScalarEntry& input : *map) {
        const std::string input_path = FieldPath(gha.PathOf("inputs"), input.name);
        CheckPlaceholdersIn(sink, input.value, input.value_mark, input_path);
        out.inputs.emplace(input.name, input.value);
        std::string compact;
        for (char c : input.value)
          if (c != ' ' && c != '\t') compact += c;
        passes_build_id = passes_build_id || compact.find("{{.BuildID}}") != std::string::npos;
      }
    } else {
      passes_build_id = true;  // not a mapping: already reported
    }
  }
  // The BuildID shown in the run's title is how a run is found again after a restart (and on
  // servers that do not return run details); without it a second build of a version could start.
  if (!passes_build_id) {
    sink.Error(inputs != nullptr ? inputs->mark : node.mark, gha.PathOf("inputs"),
               "no input passes {{ .BuildID }}; add one, e.g. build_id: \"{{ .BuildID }}\", and "
               "show it in the workflow's run-name (examples/github/)");
  }
  return out;
}

CommandBuild ReadCommand(DiagnosticSink& sink, const yaml::Node& node, const std::string& path) {
  CommandBuild out = DefaultCommandBuild();
  MapReader command(sink, node, path, {"run", "timeout", "passEnv"});
  if (!command.is_mapping()) return out;

  if (const yaml::Node* run = command.Require("run")) {
    out.run = ReadArguments(sink, *run, command.PathOf("run"),
                            "must name a program and its arguments, e.g. [\"make\", \"image\"]");
  }
  if (const yaml::Node* timeout = command.Get("timeout")) {
    if (auto seconds = ReadDuration(sink, *timeout, command.PathOf("timeout"))) {
      out.timeout = {*seconds, timeout->text};
    }
  }
  if (const yaml::Node* pass = command.Get("passEnv")) {
    if (auto items = ReadSequence(sink, *pass, command.PathOf("passEnv"))) {
      for (size_t i = 0; i < items->size(); ++i) {
        const std::string item_path = ItemPath(command.PathOf("passEnv"), i);
        auto name = ReadString(sink, *(*items)[i], item_path);
        if (!name) continue;
        if (name->find('=') != std::string::npos) {  // never echo what may be a value
          sink.Error((*items)[i]->mark, item_path,
                     "passEnv lists variable names only, not NAME=value; the build gets the value "
                     "Spaceport has");
          continue;
        }
        if (auto why = CheckEnvName(*name)) {
          sink.Error((*items)[i]->mark, item_path, *why);
          continue;
        }
        out.pass_env.push_back(*name);
      }
    }
  }
  return out;
}

std::optional<std::string> ReadName(DiagnosticSink& sink, MapReader& reader, std::string_view key,
                                    GrammarError (*check)(std::string_view)) {
  const yaml::Node* node = reader.Get(key);
  if (node == nullptr) return std::nullopt;
  auto text = ReadString(sink, *node, reader.PathOf(key));
  if (!text) return std::nullopt;
  if (auto why = check(*text)) {
    sink.Error(node->mark, reader.PathOf(key), *why);
    return std::nullopt;
  }
  return text;
}

ResourceAmounts ReadAmounts(DiagnosticSink& sink, const yaml::Node& node, const std::string& path) {
  ResourceAmounts out;
  MapReader amounts(sink, node, path, {"cpu", "memory"});
  if (!amounts.is_mapping()) return out;
  out.cpu = ReadName(sink, amounts, "cpu", CheckQuantity);
  out.memory = ReadName(sink, amounts, "memory", CheckQuantity);
  return out;
}

// A text that may hold placeholders and must not be empty (context, dockerfile).
std::optional<std::string> ReadTemplate(DiagnosticSink& sink, MapReader& reader, std::string_view key) {
  const yaml::Node* node = reader.Get(key);
  if (node == nullptr) return std::nullopt;
  auto text = ReadString(sink, *node, reader.PathOf(key));
  if (!text) return std::nullopt;
  if (text->empty()) {
    sink.Error(node->mark, reader.PathOf(key), "must not be empty");
    return std::nullopt;
  }
  CheckPlaceholdersIn(sink, *text, node->mark, reader.PathOf(key));
  return text;
}

GrammarError CheckServiceAccountName(std::string_view name) {
  return CheckDnsSubdomainName(name, "ServiceAccount name");
}

// No placeholder is required here: the Job's name and labels carry the BuildID, and that is how
// the build is found again (act/build_kubernetes_job.h).
KubernetesJobBuild ReadKubernetesJob(DiagnosticSink& sink, const yaml::Node& node,
                                     const std::string& path) {
  KubernetesJobBuild out = DefaultKubernetesJobBuild();
  MapReader job(sink, node, path,
                {"image", "args", "context", "dockerfile", "serviceAccountName", "resources",
                 "activeDeadlineSeconds", "ttlSecondsAfterFinished", "pushSecret", "namespace",
                 "runAsUser"});
  if (!job.is_mapping()) return out;

  if (auto image = ReadName(sink, job, "image", CheckContainerImage)) out.image = *image;
  if (const yaml::Node* args = job.Get("args")) {
    out.args = ReadArguments(sink, *args, job.PathOf("args"),
                             "must hold the builder's arguments, e.g. [\"--context=...\", "
                             "\"--destination={{ .Image }}\"]; leave it out for kaniko's defaults");
  }
  out.context = ReadTemplate(sink, job, "context");
  if (auto dockerfile = ReadTemplate(sink, job, "dockerfile")) out.dockerfile = *dockerfile;
  // Exactly one of args and context: context only makes kaniko's default arguments.
  const yaml::Entry* args_entry = job.Find("args");
  const yaml::Entry* context_entry = job.Find("context");
  const bool has_args = args_entry != nullptr && args_entry->value->kind != yaml::NodeKind::kNull;
  const bool has_context =
      context_entry != nullptr && context_entry->value->kind != yaml::NodeKind::kNull;
  if (has_args && has_context) {
    const yaml::Mark a = args_entry->key->mark, c = context_entry->key->mark;
    const bool context_later = c.line != a.line ? c.line > a.line : c.column > a.column;
    const yaml::Entry* second = context_later ? context_entry : args_entry;
    sink.Error(second->key->mark, job.PathOf(second->key->text),
               "set either args (the builder's whole command line) or context (for kaniko's "
               "default arguments), not both; with args, pass --context=... in them");
  } else if (!has_args && !has_context) {
    sink.Error(node.mark, path,
               "missing required field \"context\" (the build context for kaniko, e.g. "
               "\"git://github.com/OWNER/REPO#refs/tags/{{ .Version }}\"), or \"args\" for "
               "another builder");
  } else if (has_context && out.context) {
    out.args = KanikoArgs(*out.context, out.dockerfile);
  }

  out.service_account_name = ReadName(sink, job, "serviceAccountName", CheckServiceAccountName);
  if (const yaml::Node* resources = job.Get("resources")) {
    MapReader reader(sink, *resources, job.PathOf("resources"), {"requests", "limits"});
    if (reader.is_mapping()) {
      if (const yaml::Node* requests = reader.Get("requests"))
        out.resources.requests = ReadAmounts(sink, *requests, reader.PathOf("requests"));
      if (const yaml::Node* limits = reader.Get("limits"))
        out.resources.limits = ReadAmounts(sink, *limits, reader.PathOf("limits"));
    }
  }
  if (auto seconds = job.Int("activeDeadlineSeconds", 1, kNoMaximum))
    out.active_deadline_seconds = *seconds;
  if (auto seconds = job.Int("ttlSecondsAfterFinished", 0, kMaxInt32))
    out.ttl_seconds_after_finished = *seconds;
  out.push_secret = ReadName(sink, job, "pushSecret", CheckDnsSubdomain);
  out.namespace_ = ReadName(sink, job, "namespace", CheckRfc1123Label);
  out.run_as_user = job.Int("runAsUser", 1, kMaxInt32);
  return out;
}

}  // namespace

void ValidateBuild(DiagnosticSink& sink, const yaml::Node& node, const std::string& path,
                   BuildSpec* out) {
  // In the order messages name them.
  static constexpr std::string_view kBackends[] = {"githubActions", "command", "kubernetesJob"};
  MapReader build(sink, node, path, {"githubActions", "command", "kubernetesJob"});
  if (!build.is_mapping()) return;

  // The first backend written is the one; each later one is an error naming both.
  std::vector<const yaml::Entry*> present;
  for (const yaml::Entry& entry : node.entries) {
    if (entry.key->kind != yaml::NodeKind::kScalar) continue;
    for (std::string_view backend : kBackends) {
      if (entry.key->text == backend && build.Find(backend) == &entry) present.push_back(&entry);
    }
  }
  if (present.empty()) {
    sink.Error(node.mark, path,
               "missing a build backend: set githubActions, command or kubernetesJob (or remove "
               "build if the image is built elsewhere)");
  }
  const auto rank = [](std::string_view name) {
    return std::find(std::begin(kBackends), std::end(kBackends), name) - std::begin(kBackends);
  };
  for (size_t i = 1; i < present.size(); ++i) {
    std::string_view a = present[0]->key->text, b = present[i]->key->text;
    if (rank(a) > rank(b)) std::swap(a, b);
    sink.Error(present[i]->key->mark, build.PathOf(present[i]->key->text),
               "set exactly one build backend, not both " + std::string(a) + " and " +
                   std::string(b));
  }
  if (const yaml::Entry* gha = build.Find("githubActions")) {
    out->github_actions = ReadGithubActions(sink, *gha->value, build.PathOf("githubActions"));
  }
  if (const yaml::Entry* command = build.Find("command"))
    out->command = ReadCommand(sink, *command->value, build.PathOf("command"));
  if (const yaml::Entry* job = build.Find("kubernetesJob"))
    out->kubernetes_job = ReadKubernetesJob(sink, *job->value, build.PathOf("kubernetesJob"));
}

}  // namespace spaceport::spec
