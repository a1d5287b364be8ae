using System.Text.Json.Nodes;

namespace Deployment.Tests;

/// <summary>One IAM policy statement of a role, with its actions and resources flattened to lists.</summary>
internal sealed record IamStatement(string Role, IReadOnlyList<string> Actions, IReadOnlyList<JsonNode> Resources)
{
    public static IEnumerable<IamStatement> OfRole(string roleName, JsonObject role)
    {
        foreach (var policy in role["Properties"]?["Policies"]?.AsArray() ?? [])
        {
            foreach (var statement in policy!["PolicyDocument"]!["Statement"]!.AsArray())
            {
                yield return new IamStatement(roleName, ListOf(statement!["Action"]).Select(a => a.GetValue<string>()).ToList(),
                    ListOf(statement["Resource"]));
            }
        }
    }

    /// <summary>The logical ids this statement's resources point at (Ref, Fn::GetAtt, or refs inside Fn::Sub).</summary>
    public IEnumerable<string> ReferencedResources() => Resources.SelectMany(ReferencesIn);

    private static IEnumerable<string> ReferencesIn(JsonNode? node) => node switch
    {
        JsonObject obj when obj["Ref"] is JsonValue reference => [reference.GetValue<string>()],
        JsonObject obj when obj["Fn::GetAtt"] is JsonArray getAtt => [getAtt[0]!.GetValue<string>()],
        JsonObject obj => obj.SelectMany(p => ReferencesIn(p.Value)),
        JsonArray array => array.SelectMany(ReferencesIn),
        _ => [],
    };

    private static List<JsonNode> ListOf(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => array.Select(n => n!).ToList(),
        _ => [node],
    };
}
