using System.CommandLine;
using ECommerce.LocalHost;
using StateMachineGraph.Cli;
using StateMachineReplay;

// `graph` and `replay` take their arguments as they are, so their own usage and errors reach the user unchanged.
if (args.Length > 0 && args[0] == "graph")
{
    return GraphCommand.Run(args[1..], Console.Out, Console.Error);
}

if (args.Length > 0 && args[0] == "replay")
{
    return ReplayCommand.Run(args[1..], Console.Out, Console.Error);
}

var dataOption = new Option<DirectoryInfo?>("--data")
{
    Description = "Folder for the SQLite files (default: ECOMMERCE_LOCAL_DATA, else the user's local app data)",
};
var apiPortOption = new Option<int>("--api-port")
{
    Description = "Port of the orders API and the console",
    DefaultValueFactory = _ => LocalRuntimeOptions.DefaultApiPort,
};
var stepFunctionsPortOption = new Option<int>("--sfn-port")
{
    Description = "Port of the Step Functions API (point the AWS CLI's --endpoint-url here)",
    DefaultValueFactory = _ => LocalRuntimeOptions.DefaultStepFunctionsPort,
};

var run = new Command("run", "Run the order service locally: API, queue, saga, stores, topic and console (the default)")
{
    dataOption, apiPortOption, stepFunctionsPortOption,
};
run.SetAction((parseResult, cancellationToken) => HostCommands.RunAsync(Options(parseResult), cancellationToken));

var reset = new Command("reset", "Delete every order, execution, queue message and stock change; the catalogue is seeded again on the next run")
{
    dataOption,
};
reset.SetAction(parseResult => HostCommands.Reset(Options(parseResult)));

var redrive = new Command("dlq-redrive", "Move the orders in the dead-letter queue back to the orders queue") { dataOption };
redrive.SetAction((parseResult, cancellationToken) => HostCommands.RedriveDeadLettersAsync(Options(parseResult), cancellationToken));

var graph = new Command("graph", "Draw a state machine: graph <definition> [--format svg|mermaid|dot] [--history history.json] [--output file]");

var replay = new Command("replay", "Replay a production execution: replay <history.json> --state-machine <definition> [--write-mock file] [--write-test file]");

var root = new RootCommand("ECommerce order saga: the local runtime") { run, reset, redrive, graph, replay };
foreach (var option in run.Options)
{
    root.Options.Add(option);
}

root.SetAction((parseResult, cancellationToken) => HostCommands.RunAsync(Options(parseResult), cancellationToken));
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);

LocalRuntimeOptions Options(ParseResult parseResult) => new()
{
    DataDirectory = parseResult.GetValue(dataOption)?.FullName ?? LocalRuntimeOptions.DefaultDataDirectory(),
    ApiPort = parseResult.GetValue(apiPortOption),
    StepFunctionsPort = parseResult.GetValue(stepFunctionsPortOption),
};
