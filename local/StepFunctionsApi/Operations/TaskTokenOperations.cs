using System.Text.Json.Nodes;
using StatesLanguage.Runtime;
using StepFunctionsApi.Protocol;

namespace StepFunctionsApi.Operations;

/// <summary>SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat: answers to <c>.waitForTaskToken</c> tasks.</summary>
internal sealed class TaskTokenOperations(StepFunctionsEngine engine)
{
    private const int MaxTokenLength = 2048;

    public JsonObject Success(ApiRequest request)
    {
        var token = request.RequiredString("taskToken", MaxTokenLength);
        var output = request.RequiredString("output", 262_144);
        return Call(() => engine.SendTaskSuccess(token, output));
    }

    public JsonObject Failure(ApiRequest request)
    {
        var token = request.RequiredString("taskToken", MaxTokenLength);
        var error = request.OptionalString("error", 256, minLength: 0);
        var cause = request.OptionalString("cause", 32_768, minLength: 0);
        return Call(() => engine.SendTaskFailure(token, error, cause));
    }

    public JsonObject Heartbeat(ApiRequest request)
    {
        var token = request.RequiredString("taskToken", MaxTokenLength);
        return Call(() => engine.SendTaskHeartbeat(token));
    }

    private static JsonObject Call(Action send)
    {
        try
        {
            send();
            return [];
        }
        catch (StepFunctionsApiException ex)
        {
            throw new AwsApiException(ex.ErrorCode, ex.Message);
        }
    }
}
