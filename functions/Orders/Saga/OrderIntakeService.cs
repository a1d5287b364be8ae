using System.Text.Json;
using ECommerce.Orders.Contract;
using ECommerce.Orders.Domain;
using ECommerce.Orders.Validation;
using ECommerce.Runtime.Events;

namespace ECommerce.Orders.Saga;

/// <summary>What became of one queued order message.</summary>
public enum IntakeOutcome
{
    /// <summary>Recorded PENDING and its saga started (or had already started).</summary>
    Started,

    /// <summary>Invalid body: recorded REJECTED; retrying cannot fix it, so the message is done.</summary>
    Rejected,

    /// <summary>Already handled under this order id (a redelivery or a reused idempotency key).</summary>
    AlreadyHandled,

    /// <summary>Return the message to the queue: no usable order id, or a dependency was unavailable.</summary>
    Retry,
}

/// <summary>StartOrderSaga's logic: validate each queued order, record it idempotently, start its saga.</summary>
public sealed class OrderIntakeService(
    IOrderStore store,
    IExecutionStarter starter,
    TimeProvider clock,
    OrderRequestValidator validator,
    TextWriter log)
{
    public const string OrderIdAttribute = "orderId";

    /// <summary>Processes a batch; only the messages that should be retried are reported as failures.</summary>
    public async Task<SqsBatchResponse> ProcessBatchAsync(SqsEvent batch, CancellationToken cancellationToken)
    {
        // The orders of a batch are independent (a duplicate of one is settled by the store and the execution name), so
        // they start side by side rather than each waiting for the one before.
        var outcomes = await Task.WhenAll(batch.Records.Select(message => ProcessAsync(message, cancellationToken))).ConfigureAwait(false);
        var failures = batch.Records.Where((_, index) => outcomes[index] == IntakeOutcome.Retry)
            .Select(message => new SqsBatchItemFailure(message.MessageId))
            .ToList();
        return new SqsBatchResponse(failures);
    }

    public async Task<IntakeOutcome> ProcessAsync(SqsMessage message, CancellationToken cancellationToken)
    {
        var orderId = message.MessageAttributes?.GetValueOrDefault(OrderIdAttribute)?.StringValue;
        if (!OrderId.IsValid(orderId))
        {
            await log.WriteLineAsync($"Message {message.MessageId}: no usable '{OrderIdAttribute}' attribute; left for the DLQ.")
                .ConfigureAwait(false);
            return IntakeOutcome.Retry;
        }

        try
        {
            var validation = validator.Validate(message.Body);
            return validation.IsValid
                ? await StartAsync(orderId!, validation.Order!, cancellationToken).ConfigureAwait(false)
                : await RejectAsync(orderId!, validation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // One bad record must not fail its batch: it goes back to the queue alone (and on to the DLQ).
            await log.WriteLineAsync($"Order {orderId} (message {message.MessageId}): {exception.GetType().Name}: {exception.Message}")
                .ConfigureAwait(false);
            return IntakeOutcome.Retry;
        }
    }

    private async Task<IntakeOutcome> StartAsync(string orderId, CreateOrderRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var lines = request.Lines.Select(line => new StoredOrderLine(line.Sku, line.Quantity)).ToArray();
        var pending = new Order
        {
            OrderId = orderId,
            Status = OrderStatus.Pending,
            CustomerId = request.CustomerId,
            Lines = lines,
            CreatedAt = now,
            UpdatedAt = now,
        };

        if (!await store.TryCreateAsync(pending, cancellationToken).ConfigureAwait(false))
        {
            var existing = await store.GetAsync(orderId, cancellationToken).ConfigureAwait(false);
            if (existing is null || existing.Status != OrderStatus.Pending
                || existing.CustomerId != request.CustomerId || !existing.Lines.SequenceEqual(lines))
            {
                // The saga has moved on, or the id was reused for a different order: the first order keeps the id.
                await log.WriteLineAsync($"Order {orderId}: already recorded as {existing?.Status}; message ignored.").ConfigureAwait(false);
                return IntakeOutcome.AlreadyHandled;
            }

            // PENDING and identical: a redelivery, possibly after a crash before StartExecution, so start (idempotently).
        }

        var input = JsonSerializer.Serialize(SagaExecutionInput.For(orderId, request), OrdersJsonContext.Default.SagaExecutionInput);
        var executionArn = await starter.StartAsync(orderId, input, cancellationToken).ConfigureAwait(false);
        await store.SetExecutionArnAsync(orderId, executionArn, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        return IntakeOutcome.Started;
    }

    private async Task<IntakeOutcome> RejectAsync(string orderId, OrderValidationResult validation, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var rejected = new Order
        {
            OrderId = orderId,
            Status = OrderStatus.Rejected,
            Reason = "Invalid order: " + validation.Describe(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        var created = await store.TryCreateAsync(rejected, cancellationToken).ConfigureAwait(false);
        return created ? IntakeOutcome.Rejected : IntakeOutcome.AlreadyHandled;
    }
}
