using ECommerce.Orders.Domain;
using ECommerce.Runtime;
using Microsoft.Data.Sqlite;
using static ECommerce.LocalStores.Tests.TestData;

namespace ECommerce.LocalStores.Tests;

/// <summary>A file another writer holds locked surfaces as each service's transient error name, as throttling does on DynamoDB.</summary>
public sealed class StoreFaultTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly SqliteDocumentStore _table;

    public StoreFaultTests() => _table = new SqliteDocumentStore(_folder.File("locked.db"), TimeSpan.FromMilliseconds(100));

    public void Dispose()
    {
        _table.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task SqlitePaymentStore_FileLocked_ThrowsPaymentGatewayUnavailable()
    {
        var error = await WhileLocked(() => new SqlitePaymentStore(_table).TryRecordAttemptAsync("o-1", "tok_visa", 1, "USD", Ct));

        Assert.Equal((Payments.Domain.ErrorTypes.PaymentGatewayUnavailable, true), (error.ErrorType, error.IsTransient));
    }

    [Fact]
    public async Task SqliteShipmentStore_FileLocked_ThrowsCarrierUnavailable()
    {
        var error = await WhileLocked(() => new SqliteShipmentStore(_table).TryRecordAttemptAsync("o-1", Ct));

        Assert.Equal((Shipping.Domain.ErrorTypes.CarrierUnavailable, true), (error.ErrorType, error.IsTransient));
    }

    [Fact]
    public async Task SqliteOrderStore_FileLocked_ThrowsOrdersUnavailable()
    {
        var order = new Order { OrderId = "o-1", Status = OrderStatus.Pending, CreatedAt = Now, UpdatedAt = Now };

        var error = await WhileLocked(() => new SqliteOrderStore(_table).TryCreateAsync(order, Ct));

        Assert.Equal((DependencyUnavailableException.OrdersUnavailable, true), (error.ErrorType, error.IsTransient));
    }

    [Fact]
    public async Task Reads_WhileAnotherWriterHoldsTheLock_StillSucceed()
    {
        using var locker = HoldWriteLock();

        Assert.Null(await new SqlitePaymentStore(_table).GetAsync("o-1", Ct));
        Assert.Empty(await new SqliteShipmentStore(_table).ListAsync());
    }

    [Fact]
    public void IsTransient_ConstraintViolation_IsNotTransient()
    {
        Assert.False(SqliteFaults.IsTransient(new SqliteException("constraint", 19)));
        Assert.True(SqliteFaults.IsTransient(new SqliteException("busy snapshot", 517)));
        Assert.True(SqliteFaults.IsTransient(new SqliteException("locked", 6)));
    }

    private async Task<FunctionErrorException> WhileLocked<T>(Func<Task<T>> write)
    {
        using var locker = HoldWriteLock();
        var error = await Assert.ThrowsAnyAsync<FunctionErrorException>(write);
        Assert.IsType<SqliteException>(error.InnerException);
        return error;
    }

    private SqliteConnection HoldWriteLock()
    {
        var connection = new SqliteConnection($"Data Source={_table.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "BEGIN IMMEDIATE";
        command.ExecuteNonQuery();
        return connection;
    }
}
