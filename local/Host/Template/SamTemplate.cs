using YamlDotNet.RepresentationModel;

namespace ECommerce.LocalHost.Template;

/// <summary>A function the template declares: which service's code it runs and which handler.</summary>
public sealed record TemplateFunction(string LogicalId, string CodeUri, string Handler)
{
    /// <summary>The service project the function's code comes from (the last folder of CodeUri, e.g. "Inventory").</summary>
    public string Service => CodeUri.TrimEnd('/').Split('/')[^1];
}

/// <summary>
/// What the local host needs from template.yaml: the functions and the state machine's definition file and
/// substitutions. Reading them from the template (not a copy) keeps the local runtime wired the way AWS is.
/// </summary>
public sealed class SamTemplate
{
    private SamTemplate(string path, IReadOnlyList<TemplateFunction> functions, string definitionUri, IReadOnlyDictionary<string, string> substitutions)
    {
        Path = path;
        Functions = functions;
        DefinitionUri = definitionUri;
        DefinitionSubstitutions = substitutions;
    }

    /// <summary>The template file this was read from.</summary>
    public string Path { get; }

    public IReadOnlyList<TemplateFunction> Functions { get; }

    /// <summary>The state machine's DefinitionUri, relative to the template.</summary>
    public string DefinitionUri { get; }

    /// <summary>Each substitution resolved to the local ARN of what it names.</summary>
    public IReadOnlyDictionary<string, string> DefinitionSubstitutions { get; }

    public static string LocalFunctionArn(string functionName) => $"arn:aws:lambda:{LocalAws.Region}:{LocalAws.AccountId}:function:{functionName}";

    public static string LocalTopicArn(string topicName) => $"arn:aws:sns:{LocalAws.Region}:{LocalAws.AccountId}:{topicName}";

    public static SamTemplate Load(string templatePath)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(templatePath))
        {
            yaml.Load(reader);
        }

        var resources = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["Resources"];
        var functions = new List<TemplateFunction>();
        string? definitionUri = null;
        var substitutions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in resources.Children)
        {
            var resource = (YamlMappingNode)value;
            var type = Scalar(resource, "Type");
            if (!resource.Children.TryGetValue("Properties", out var propertiesNode))
            {
                continue;
            }

            var properties = (YamlMappingNode)propertiesNode;
            if (type == "AWS::Serverless::Function")
            {
                functions.Add(new TemplateFunction(((YamlScalarNode)key).Value!, Scalar(properties, "CodeUri"), Scalar(properties, "Handler")));
            }
            else if (type == "AWS::Serverless::StateMachine")
            {
                definitionUri = Scalar(properties, "DefinitionUri");
                foreach (var (name, reference) in ((YamlMappingNode)properties["DefinitionSubstitutions"]).Children)
                {
                    substitutions[((YamlScalarNode)name).Value!] = Resolve((YamlScalarNode)reference, templatePath);
                }
            }
        }

        return new SamTemplate(templatePath, functions, definitionUri ?? throw new InvalidDataException($"{templatePath}: no AWS::Serverless::StateMachine"), substitutions);
    }

    /// <summary>Applies the substitutions to a definition, as CloudFormation does with DefinitionSubstitutions.</summary>
    public string Substitute(string definition)
    {
        foreach (var (name, value) in DefinitionSubstitutions)
        {
            definition = definition.Replace("${" + name + "}", value, StringComparison.Ordinal);
        }

        return definition;
    }

    private static string Resolve(YamlScalarNode reference, string templatePath)
    {
        var value = reference.Value ?? "";
        return reference.Tag.Value switch
        {
            "!GetAtt" when value.EndsWith(".Arn", StringComparison.Ordinal) => LocalFunctionArn(value[..^".Arn".Length]),
            "!Ref" => LocalTopicArn(value),
            _ => throw new InvalidDataException($"{templatePath}: line {reference.Start.Line}: substitution '{value}' is neither !GetAtt X.Arn nor !Ref"),
        };
    }

    private static string Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) && value is YamlScalarNode scalar && scalar.Value is not null
            ? scalar.Value
            : throw new InvalidDataException($"template.yaml: line {node.Start.Line}: '{key}' is missing");
}

/// <summary>The account and region the local runtime puts in every ARN.</summary>
public static class LocalAws
{
    public const string Region = "us-east-1";
    public const string AccountId = "123456789012";
}
