using ECommerce.Orders;
using ECommerce.Runtime;
using StatesLanguage.Runtime;

namespace ECommerce.LocalHost.Events;

/// <summary>
/// The template's EventBridge rule, locally: status changes of the saga's executions to FAILED, TIMED_OUT or ABORTED go
/// to RecordFailedExecution, with the event AWS would deliver and EventBridge's habit of retrying a failed delivery.
/// </summary>
public sealed class SagaStatusChangeRule(string stateMachineArn, LambdaHandlerRegistry orders, ILogger<SagaStatusChangeRule> logger) : IExecutionObserver
{
    private static readonly HashSet<ExecutionStatus> Matched = [ExecutionStatus.FAILED, ExecutionStatus.TIMED_OUT, ExecutionStatus.ABORTED];
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];

    public void OnHistoryEvent(ExecutionInfo execution, HistoryEvent historyEvent)
    {
    }

    public void OnExecutionStatusChange(ExecutionStatusChange statusChange)
    {
        if (statusChange.Execution.StateMachineArn != stateMachineArn || !Matched.Contains(statusChange.Execution.Status))
        {
            return;
        }

        _ = Task.Run(() => DeliverAsync(statusChange));
    }

    private async Task DeliverAsync(ExecutionStatusChange statusChange)
    {
        var payload = statusChange.ToEventBridgeJson().ToJsonString();
        var orderId = statusChange.Execution.Name;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await orders.InvokeAsync(OrdersFunctions.RecordFailedExecution, payload,
                    LambdaContext.ForLocalInvocation("RecordFailedExecutionFunction", TimeSpan.FromSeconds(10)), CancellationToken.None).ConfigureAwait(false);
                logger.LogInformation("orderId={OrderId} rule=SagaNeedsAttention status={Status} delivered", orderId, statusChange.Execution.Status);
                return;
            }
            catch (Exception exception) when (attempt < RetryDelays.Length)
            {
                logger.LogWarning("orderId={OrderId} rule=SagaNeedsAttention delivery failed ({Message}); retrying", orderId, exception.Message);
                await Task.Delay(RetryDelays[attempt]).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                logger.LogError(exception, "orderId={OrderId} rule=SagaNeedsAttention gave up", orderId);
                return;
            }
        }
    }
}
