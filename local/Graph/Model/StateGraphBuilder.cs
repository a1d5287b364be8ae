using System.Text.Json.Nodes;

namespace StateMachineGraph.Model;

/// <summary>Builds a <see cref="StateGraph"/> from an ASL definition, checking that every transition has a target.</summary>
public static class StateGraphBuilder
{
    public const string StartNodeId = "__start";
    public const string EndNodeId = "__end";

    public static StateGraph FromText(string text, string? fileName = null) => Build(DefinitionReader.Parse(text, fileName));

    public static StateGraph Build(JsonObject definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var context = new BuildContext();
        var root = context.BuildScope(definition, "root", ownerNodeId: null, pointer: "");

        // The console's Start and End circles exist at the top level only.
        context.Nodes.Add(new GraphNode(StartNodeId, "Start", NodeKind.Start, root.Id, false, null, []));
        context.Nodes.Add(new GraphNode(EndNodeId, "End", NodeKind.End, root.Id, false, null, []));
        context.AddEdge(StartNodeId, root.StartNodeId, EdgeKind.Start, null, root.Id);
        foreach (var terminal in context.TerminalsOf(root.Id))
        {
            context.AddEdge(terminal, EndNodeId, EdgeKind.End, null, root.Id);
        }

        var rootWithPseudo = root with { NodeIds = [StartNodeId, .. root.NodeIds, EndNodeId] };
        var comment = definition["Comment"] is JsonValue c ? c.ToString() : null;
        return new StateGraph(context.Nodes, context.Edges, rootWithPseudo, comment);
    }

    private sealed class BuildContext
    {
        private readonly HashSet<string> _usedIds = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<string>> _terminalsByScope = new(StringComparer.Ordinal);

        public List<GraphNode> Nodes { get; } = [];

        public List<GraphEdge> Edges { get; } = [];

        public IEnumerable<string> TerminalsOf(string scopeId) =>
            _terminalsByScope.TryGetValue(scopeId, out var list) ? list : [];

        public void AddEdge(string from, string to, EdgeKind kind, string? label, string scopeId) =>
            Edges.Add(new GraphEdge("e" + Edges.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), from, to, kind, label, scopeId));

        public GraphScope BuildScope(JsonObject container, string scopeId, string? ownerNodeId, string pointer)
        {
            var startAt = RequireString(container, "StartAt", pointer);
            var states = container["States"] as JsonObject
                ?? throw new DefinitionException("SCHEMA_VALIDATION_FAILED", "The field 'States' is required and must be an object", pointer + "/States");
            if (states.Count == 0)
            {
                throw new DefinitionException("SCHEMA_VALIDATION_FAILED", "'States' must contain at least one state", pointer + "/States");
            }

            var idsByName = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, _) in states)
            {
                idsByName[name] = UniqueId(name);
            }

            if (!idsByName.TryGetValue(startAt, out var startId))
            {
                throw new DefinitionException("MISSING_TRANSITION_TARGET", $"Missing 'Next' target: {startAt}", pointer + "/StartAt");
            }

            var nodeIds = new List<string>();
            foreach (var (name, value) in states)
            {
                var statePointer = $"{pointer}/States/{EscapePointer(name)}";
                var state = value as JsonObject
                    ?? throw new DefinitionException("SCHEMA_VALIDATION_FAILED", $"State '{name}' must be an object", statePointer);
                var id = idsByName[name];
                nodeIds.Add(id);
                AddState(state, name, id, scopeId, statePointer, idsByName);
            }

            return new GraphScope(scopeId, ownerNodeId, startId, nodeIds);
        }

        private void AddState(
            JsonObject state, string name, string id, string scopeId, string pointer, Dictionary<string, string> idsByName)
        {
            var typeName = RequireString(state, "Type", pointer);
            var kind = typeName switch
            {
                "Task" => NodeKind.Task,
                "Choice" => NodeKind.Choice,
                "Pass" => NodeKind.Pass,
                "Wait" => NodeKind.Wait,
                "Succeed" => NodeKind.Succeed,
                "Fail" => NodeKind.Fail,
                "Parallel" => NodeKind.Parallel,
                "Map" => NodeKind.Map,
                _ => throw new DefinitionException("SCHEMA_VALIDATION_FAILED", $"Unknown state type '{typeName}'", pointer + "/Type"),
            };

            var scopes = new List<GraphScope>();
            if (kind == NodeKind.Parallel)
            {
                var branches = state["Branches"] as JsonArray
                    ?? throw new DefinitionException("SCHEMA_VALIDATION_FAILED", "A Parallel state needs 'Branches'", pointer + "/Branches");
                for (var i = 0; i < branches.Count; i++)
                {
                    var branch = branches[i] as JsonObject
                        ?? throw new DefinitionException("SCHEMA_VALIDATION_FAILED", "A branch must be an object", $"{pointer}/Branches/{i}");
                    scopes.Add(BuildScope(branch, $"{id}#branch{i}", id, $"{pointer}/Branches/{i}"));
                }
            }
            else if (kind == NodeKind.Map)
            {
                var (processor, field) = state["ItemProcessor"] is JsonObject p ? (p, "ItemProcessor")
                    : state["Iterator"] is JsonObject it ? (it, "Iterator")
                    : throw new DefinitionException("SCHEMA_VALIDATION_FAILED", "A Map state needs 'ItemProcessor' or 'Iterator'", pointer);
                scopes.Add(BuildScope(processor, $"{id}#items", id, $"{pointer}/{field}"));
            }

            var hasRetry = state["Retry"] is JsonArray { Count: > 0 };
            var resource = state["Resource"] is JsonValue r ? r.ToString() : null;
            Nodes.Add(new GraphNode(id, name, kind, scopeId, hasRetry, resource, scopes));

            string Target(string targetName, string fieldPointer) =>
                idsByName.TryGetValue(targetName, out var targetId)
                    ? targetId
                    : throw new DefinitionException("MISSING_TRANSITION_TARGET", $"Missing 'Next' target: {targetName}", fieldPointer);

            if (kind == NodeKind.Choice)
            {
                var choices = state["Choices"] as JsonArray
                    ?? throw new DefinitionException("SCHEMA_VALIDATION_FAILED", "A Choice state needs 'Choices'", pointer + "/Choices");
                for (var i = 0; i < choices.Count; i++)
                {
                    var rulePointer = $"{pointer}/Choices/{i}";
                    var rule = choices[i] as JsonObject
                        ?? throw new DefinitionException("SCHEMA_VALIDATION_FAILED", "A choice rule must be an object", rulePointer);
                    var next = RequireString(rule, "Next", rulePointer);
                    AddEdge(id, Target(next, rulePointer + "/Next"), EdgeKind.Choice, ChoiceRuleLabel.For(rule), scopeId);
                }

                if (state["Default"] is JsonValue defaultValue)
                {
                    AddEdge(id, Target(defaultValue.ToString(), pointer + "/Default"), EdgeKind.Default, "Default", scopeId);
                }
            }
            else if (state["Next"] is JsonValue next)
            {
                AddEdge(id, Target(next.ToString(), pointer + "/Next"), EdgeKind.Next, null, scopeId);
            }
            else if (kind is NodeKind.Succeed or NodeKind.Fail || state["End"] is JsonValue end && end.TryGetValue<bool>(out var isEnd) && isEnd)
            {
                Terminals(scopeId).Add(id);
            }
            else
            {
                throw new DefinitionException(
                    "SCHEMA_VALIDATION_FAILED", $"State '{name}' needs 'Next' or 'End': true", pointer);
            }

            if (state["Catch"] is JsonArray catchers)
            {
                for (var i = 0; i < catchers.Count; i++)
                {
                    var catcherPointer = $"{pointer}/Catch/{i}";
                    var catcher = catchers[i] as JsonObject
                        ?? throw new DefinitionException("SCHEMA_VALIDATION_FAILED", "A catcher must be an object", catcherPointer);
                    var next = RequireString(catcher, "Next", catcherPointer);
                    var errors = catcher["ErrorEquals"] is JsonArray list
                        ? string.Join(", ", list.Select(e => e?.ToString()))
                        : "States.ALL";
                    AddEdge(id, Target(next, catcherPointer + "/Next"), EdgeKind.Catch, ChoiceRuleLabel.Shorten(errors), scopeId);
                }
            }
        }

        private List<string> Terminals(string scopeId)
        {
            if (!_terminalsByScope.TryGetValue(scopeId, out var list))
            {
                list = [];
                _terminalsByScope[scopeId] = list;
            }

            return list;
        }

        private string UniqueId(string name)
        {
            var baseId = new string(name.Select(ch => char.IsAsciiLetterOrDigit(ch) ? ch : '_').ToArray());
            if (baseId.Length == 0 || char.IsAsciiDigit(baseId[0]))
            {
                baseId = "s_" + baseId;
            }

            var id = baseId;
            for (var n = 2; !_usedIds.Add(id) || id is StartNodeId or EndNodeId; n++)
            {
                id = baseId + "_" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return id;
        }

        private static string RequireString(JsonObject obj, string field, string pointer) =>
            obj[field] is JsonValue v && v.TryGetValue<string>(out var s)
                ? s
                : throw new DefinitionException("SCHEMA_VALIDATION_FAILED", $"The field '{field}' is required and must be a string", $"{pointer}/{field}");

        private static string EscapePointer(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
    }
}
