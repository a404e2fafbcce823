// spec.image.build: how to produce a missing image version (exactly one backend).
#include "spec/default_values.h"
#include "spec/field_reader.h"
#include "spec/grammar.h"
#include "spec/validate.h"

namespace spaceport::spec {
namespace {

void CheckPlaceholdersIn(DiagnosticSink& sink, std::string_view text, yaml::Mark mark,
                         const std::string& path) {
  for (std::string& why : CheckPlaceholders(text)) sink.Error(mark, path, std::move(why));
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
  MapReader command(sink, node, path, {"run", "timeout"});
  if (!command.is_mapping()) return out;

  if (const yaml::Node* run = command.Require("run")) {
    const std::string run_path = command.PathOf("run");
    if (auto items = ReadSequence(sink, *run, run_path)) {
      if (items->empty()) {
        sink.Error(run->mark, run_path,
                   "must name a program and its arguments, e.g. [\"make\", \"image\"]");
      }
      for (size_t i = 0; i < items->size(); ++i) {
        const yaml::Node& arg = *(*items)[i];
        if (auto text = ReadString(sink, arg, ItemPath(run_path, i))) {
          CheckPlaceholdersIn(sink, *text, arg.mark, ItemPath(run_path, i));
          out.run.push_back(*text);
        }
      }
    }
  }
  if (const yaml::Node* timeout = command.Get("timeout")) {
    if (auto seconds = ReadDuration(sink, *timeout, command.PathOf("timeout"))) {
      out.timeout = {*seconds, timeout->text};
    }
  }
  return out;
}

}  // namespace

void ValidateBuild(DiagnosticSink& sink, const yaml::Node& node, const std::string& path,
                   BuildSpec* out) {
  MapReader build(sink, node, path, {"githubActions", "command", "kubernetesJob"});
  if (!build.is_mapping()) return;

  if (const yaml::Entry* job = build.Find("kubernetesJob")) {
    sink.Error(job->key->mark, build.PathOf("kubernetesJob"),
               "not supported yet; use githubActions or command");
  }
  const yaml::Entry* gha = build.Find("githubActions");
  const yaml::Entry* command = build.Find("command");
  if (gha != nullptr && command != nullptr) {
    const yaml::Mark a = gha->key->mark, b = command->key->mark;
    const bool gha_later = a.line != b.line ? a.line > b.line : a.column > b.column;
    const yaml::Entry* second = gha_later ? gha : command;
    sink.Error(second->key->mark, build.PathOf(second->key->text),
               "set exactly one build backend, not both githubActions and command");
  } else if (gha == nullptr && command == nullptr && build.Find("kubernetesJob") == nullptr) {
    sink.Error(node.mark, path,
               "missing a build backend: set githubActions or command (or remove build if the "
               "image is built elsewhere)");
  }
  if (gha != nullptr) {
    out->github_actions = ReadGithubActions(sink, *gha->value, build.PathOf("githubActions"));
  }
  if (command != nullptr)
    out->command = ReadCommand(sink, *command->value, build.PathOf("command"));
}

}  // namespace spaceport::spec
