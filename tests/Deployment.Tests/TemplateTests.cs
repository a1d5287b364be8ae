using ECommerce.TestSupport;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Deployment.Tests;

/// <summary>Checks template.yaml, as AWS SAM translates it, against the code and the least-privilege rules.</summary>
public sealed partial class TemplateTests
{
    private static readonly Dictionary<string, string> TableOfService = new()
    {
        ["functions/Orders"] = "OrdersTable",
        ["functions/Inventory"] = "InventoryTable",
        ["functions/Payments"] = "PaymentsTable",
        ["functions/Shipping"] = "ShippingTable",
    };

    /// <summary>Statements AWS only accepts on "*", each with the reason.</summary>
    private static readonly Dictionary<string, string> WildcardResourceAllowList = new()
    {
        ["logs:CreateLogDelivery"] = "Step Functions log delivery actions do not support resource-level permissions",
        ["logs:GetLogDelivery"] = "same",
        ["logs:UpdateLogDelivery"] = "same",
        ["logs:DeleteLogDelivery"] = "same",
        ["logs:ListLogDeliveries"] = "same",
        ["logs:PutResourcePolicy"] = "same",
        ["logs:DescribeResourcePolicies"] = "same",
        ["logs:DescribeLogGroups"] = "same",
    };

    private static readonly HashSet<string> AllowedManagedPolicies =
    [
        // Writes the function's own logs; Lambda needs it and SAM adds it to every function role.
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        // X-Ray tracing (Tracing: Active).
        "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
    ];

    [Fact]
    public void EveryFunction_RunsTheCustomRuntimeWithItsOwnRole()
    {
        var template = SamTemplate.Load();
        var functions = template.ResourcesOfType("AWS::Lambda::Function").ToList();

        Assert.Equal(10, functions.Count);
        var roles = functions.Select(f => RoleOf(f.Resource)).ToList();
        Assert.Equal(roles.Count, roles.Distinct().Count());
        Assert.All(functions, f => Assert.Equal("provided.al2023", (string?)f.Resource["Properties"]!["Runtime"]));
    }

    [Fact]
    public void EveryFunction_IsGrantedOnlyItsOwnServiceTable()
    {
        var template = SamTemplate.Load();
        var tables = template.ResourcesOfType("AWS::DynamoDB::Table").Select(t => t.Name).ToHashSet();

        foreach (var (name, function) in template.ResourcesOfType("AWS::Lambda::Function"))
        {
            var service = (string)function["Properties"]!["Code"]!["S3Key"]!;
            var ownTable = TableOfService[service];
            var role = RoleOf(function);
            var grantedTables = IamStatement.OfRole(role, template.Resources[role]!.AsObject())
                .SelectMany(s => s.ReferencedResources()).Where(tables.Contains).ToHashSet();
            var tablesInEnvironment = (function["Properties"]!["Environment"]?["Variables"]?.AsObject() ?? [])
                .Select(v => v.Value is JsonObject reference ? (string?)reference["Ref"] : null).Where(r => r is not null && tables.Contains(r)).ToHashSet();

            Assert.True(grantedTables.SetEquals([ownTable]), $"{name} is granted {string.Join(", ", grantedTables)}; expected only {ownTable}");
            Assert.True(tablesInEnvironment.SetEquals([ownTable]), $"{name} is configured with {string.Join(", ", tablesInEnvironment)}");
        }
    }

    [Fact]
    public void NoIamStatement_HasAWildcardActionOrResource_OutsideTheAllowList()
    {
        var template = SamTemplate.Load();
        var problems = new List<string>();

        foreach (var (roleName, role) in template.ResourcesOfType("AWS::IAM::Role"))
        {
            foreach (var statement in IamStatement.OfRole(roleName, role))
            {
                problems.AddRange(statement.Actions.Where(a => a.Contains('*', StringComparison.Ordinal))
                    .Select(a => $"{roleName}: wildcard action {a}"));
                var wildcardResource = statement.Resources.Any(r => r is JsonValue v && v.GetValue<string>().Contains('*', StringComparison.Ordinal));
                if (wildcardResource)
                {
                    problems.AddRange(statement.Actions.Where(a => !WildcardResourceAllowList.ContainsKey(a))
                        .Select(a => $"{roleName}: {a} on a wildcard resource"));
                }
            }

            foreach (var managed in role["Properties"]!["ManagedPolicyArns"]?.AsArray() ?? [])
            {
                var arn = managed!.GetValue<string>();
                if (!AllowedManagedPolicies.Contains(arn))
                {
                    problems.Add($"{roleName}: managed policy {arn} is broader than the role needs");
                }
            }
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void TablesQueuesAndTopics_AreEncrypted_AndLogGroupsExpire()
    {
        var template = SamTemplate.Load();

        Assert.All(template.ResourcesOfType("AWS::DynamoDB::Table"), t =>
        {
            Assert.True((bool?)t.Resource["Properties"]!["SSESpecification"]?["SSEEnabled"], t.Name);
            Assert.True((bool?)t.Resource["Properties"]!["PointInTimeRecoverySpecification"]?["PointInTimeRecoveryEnabled"], t.Name);
            Assert.Equal("PAY_PER_REQUEST", (string?)t.Resource["Properties"]!["BillingMode"]);
        });
        Assert.All(template.ResourcesOfType("AWS::SQS::Queue"),
            q => Assert.True((bool?)q.Resource["Properties"]!["SqsManagedSseEnabled"], q.Name));
        Assert.All(template.ResourcesOfType("AWS::SNS::Topic"),
            t => Assert.NotNull(t.Resource["Properties"]!["KmsMasterKeyId"]));
        Assert.All(template.ResourcesOfType("AWS::Logs::LogGroup"),
            g => Assert.NotNull(g.Resource["Properties"]!["RetentionInDays"]));
        Assert.All(template.ResourcesOfType("AWS::Lambda::Function"),
            f => Assert.NotNull(f.Resource["Properties"]!["LoggingConfig"]?["LogGroup"]));
    }

    [Fact]
    public void OrdersQueue_RedrivesToTheDeadLetterQueue_AndOutlastsTheStarter()
    {
        var template = SamTemplate.Load();
        var queue = template.Resources["OrdersQueue"]!["Properties"]!;
        var starterTimeout = (int)template.Resources["StartOrderSagaFunction"]!["Properties"]!["Timeout"]!;
        var mapping = template.ResourcesOfType("AWS::Lambda::EventSourceMapping").Single().Resource["Properties"]!;

        Assert.True((int)queue["VisibilityTimeout"]! >= 6 * starterTimeout);
        Assert.Equal("OrdersDeadLetterQueue", (string?)queue["RedrivePolicy"]!["deadLetterTargetArn"]!["Fn::GetAtt"]![0]);
        Assert.Equal("ReportBatchItemFailures", (string?)mapping["FunctionResponseTypes"]![0]);
        Assert.Equal("StartOrderSagaFunction", (string?)mapping["FunctionName"]!["Ref"]);
    }

    [Fact]
    public void EveryApiRoute_RequiresIamAuth_AndPostValidatesTheOrderSchema()
    {
        var template = SamTemplate.Load();
        var api = template.ResourcesOfType("AWS::ApiGateway::RestApi").Single().Resource["Properties"]!["Body"]!;

        Assert.Equal("sigv4", api["security"]![0]!.AsObject().Single().Key);
        Assert.Equal("awsSigv4", (string?)api["components"]!["securitySchemes"]!["sigv4"]!["x-amazon-apigateway-authtype"]);
        var post = api["paths"]!["/orders"]!["post"]!;
        Assert.Equal("#/components/schemas/CreateOrderRequest", (string?)post["requestBody"]!["content"]!["application/json"]!["schema"]!["$ref"]);
        Assert.Equal("body-and-params", (string?)post["x-amazon-apigateway-request-validator"]);
        Assert.Equal("aws", (string?)post["x-amazon-apigateway-integration"]!["type"]);
        Assert.Equal("202", (string?)post["x-amazon-apigateway-integration"]!["responses"]!["default"]!["statusCode"]);
        Assert.NotNull(api["paths"]!["/orders/{orderId}"]!["get"]);
    }

    [Fact]
    public void StateMachine_SubstitutesEveryPlaceholderOfTheDefinition()
    {
        var template = SamTemplate.Load();
        var stateMachine = template.ResourcesOfType("AWS::StepFunctions::StateMachine").Single().Resource["Properties"]!;
        var definitionPath = (string)stateMachine["DefinitionS3Location"]!["Key"]!;
        var placeholders = Placeholder().Matches(File.ReadAllText(RepositoryRoot.Combine(definitionPath)))
            .Select(m => m.Groups[1].Value).ToHashSet();
        var substitutions = stateMachine["DefinitionSubstitutions"]!.AsObject().Select(s => s.Key).ToHashSet();

        Assert.NotEmpty(placeholders);
        Assert.True(placeholders.SetEquals(substitutions),
            $"placeholders [{string.Join(", ", placeholders.Order())}] vs substitutions [{string.Join(", ", substitutions.Order())}]");
        Assert.Equal("STANDARD", (string?)stateMachine["StateMachineType"]);
        Assert.True((bool?)stateMachine["TracingConfiguration"]!["Enabled"]);
        Assert.NotNull(stateMachine["LoggingConfiguration"]);
    }

    [Fact]
    public void SagaFailures_RaiseAnAlert_ThroughTheStatusChangeRule()
    {
        var template = SamTemplate.Load();
        var rule = template.ResourcesOfType("AWS::Events::Rule").Single().Resource["Properties"]!;

        Assert.Equal("aws.states", (string?)rule["EventPattern"]!["source"]![0]);
        var statuses = rule["EventPattern"]!["detail"]!["status"]!.AsArray().Select(s => (string?)s).ToHashSet();
        Assert.True(statuses.SetEquals(["FAILED", "TIMED_OUT", "ABORTED"]));
        Assert.Equal("RecordFailedExecutionFunction", (string?)rule["Targets"]![0]!["Arn"]!["Fn::GetAtt"]![0]);
        Assert.Contains(template.ResourcesOfType("AWS::CloudWatch::Alarm"),
            a => (string?)a.Resource["Properties"]!["MetricName"] == "ApproximateNumberOfMessagesVisible");
    }

    private static string RoleOf(JsonObject function) => (string)function["Properties"]!["Role"]!["Fn::GetAtt"]![0]!;

    [GeneratedRegex(@"\$\{([A-Za-z0-9]+)\}")]
    private static partial Regex Placeholder();
}
