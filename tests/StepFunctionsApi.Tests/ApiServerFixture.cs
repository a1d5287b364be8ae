using StatesLanguage.Integrations;
using StepFunctionsApi.Hosting;

namespace StepFunctionsApi.Tests;

/// <summary>An in-process API on a free loopback port over the fake saga Lambdas, with the saga's mock config loaded.</summary>
public sealed class ApiServerFixture : IAsyncLifetime
{
    public StepFunctionsApiServer Server { get; private set; } = null!;

    public SfnHttp Http { get; private set; } = null!;

    public FakeSagaLambdas Lambdas { get; } = new(TimeSpan.Zero);

    public LocalTopicStore Topics { get; } = new();

    public Uri Endpoint => Server.Endpoint;

    public async ValueTask InitializeAsync()
    {
        Server = await StepFunctionsApiServer.StartAsync(new StepFunctionsApiOptions
        {
            Port = 0,
            DatabasePath = null,
            MockConfigPath = OrderSaga.MocksPath,
            LambdaInvoker = Lambdas,
            Topics = Topics,
        });
        Http = new SfnHttp(Server.Endpoint);
        await Http.CallAsync("CreateStateMachine", new() { ["name"] = OrderSaga.Name, ["definition"] = OrderSaga.Definition, ["roleArn"] = OrderSaga.RoleArn });
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }
}
