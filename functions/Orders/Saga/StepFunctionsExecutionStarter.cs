using ECommerce.Orders.Domain;
using ECommerce.Runtime.StepFunctions;

namespace ECommerce.Orders.Saga;

/// <summary>Starts the order saga with StartExecution (name = orderId) on the configured state machine.</summary>
public sealed class StepFunctionsExecutionStarter(StepFunctionsClient client, string stateMachineArn) : IExecutionStarter
{
    public async Task<string> StartAsync(string orderId, string inputJson, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(stateMachineArn))
        {
            throw new InvalidOperationException("STATE_MACHINE_ARN is not set: cannot start the order saga.");
        }

        try
        {
            var started = await client.StartExecutionAsync(stateMachineArn, orderId, inputJson, cancellationToken).ConfigureAwait(false);
            return started.ExecutionArn;
        }
        catch (StepFunctionsException exception) when (exception.ErrorCode == StepFunctionsException.ExecutionAlreadyExists)
        {
            // A redelivered message: the saga already runs (or ran) for this order.
            return ExecutionArnFor(stateMachineArn, orderId);
        }
        catch (StepFunctionsException exception) when (exception.IsTransient)
        {
            throw new DependencyUnavailableException(DependencyUnavailableException.StepFunctionsUnavailable, exception.Message, exception);
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutException or IOException)
        {
            throw new DependencyUnavailableException(
                DependencyUnavailableException.StepFunctionsUnavailable, $"Step Functions is unreachable: {exception.Message}", exception);
        }
    }

    /// <summary>A Standard workflow's execution ARN is its state machine's ARN with ':execution:' and the name.</summary>
    public static string ExecutionArnFor(string stateMachineArn, string executionName) =>
        stateMachineArn.Replace(":stateMachine:", ":execution:", StringComparison.Ordinal) + ":" + executionName;
}
