using static ECommerce.LocalStores.Tests.TestData;

namespace ECommerce.LocalStores.Tests;

public sealed class SqliteDocumentStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly SqliteDocumentStore _table;

    public SqliteDocumentStoreTests() => _table = new SqliteDocumentStore(_folder.File("documents.db"));

    public void Dispose()
    {
        _table.Dispose();
        _folder.Dispose();
    }

    private sealed record Note(string Text, int Count);

    [Fact]
    public async Task WriteAsync_WorkThrows_RollsBackEveryPutOfTheTransaction()
    {
        await _table.WriteAsync(items => { items.Put("a", new Note("before", 1)); return 0; }, Ct);

        await Assert.ThrowsAsync<InvalidOperationException>(() => _table.WriteAsync<int>(items =>
        {
            items.Put("a", new Note("after", 2));
            items.Put("b", new Note("new", 1));
            throw new InvalidOperationException("refused");
        }, Ct));

        Assert.Equal(new Note("before", 1), await _table.ReadAsync(items => items.Get<Note>("a")));
        Assert.Null(await _table.ReadAsync(items => items.Get<Note>("b")));
    }

    [Fact]
    public async Task Scan_PrefixWithLikeWildcards_MatchesOnlyTheLiteralPrefix()
    {
        await _table.WriteAsync(items =>
        {
            items.Put("A%#1", new Note("literal", 1));
            items.Put("AB#2", new Note("wildcard would match", 2));
            items.Put("a%#3", new Note("other case", 3));
            items.Put("A_#4", new Note("underscore", 4));
            return 0;
        }, Ct);

        Assert.Equal(["literal"], (await _table.ReadAsync(items => items.Scan<Note>("A%"))).Select(note => note.Text));
        Assert.Equal(["underscore"], (await _table.ReadAsync(items => items.Scan<Note>("A_"))).Select(note => note.Text));
        Assert.Equal(4, (await _table.ReadAsync(items => items.Scan<Note>(""))).Count);
    }

    [Fact]
    public async Task ClearAsync_RemovesEveryDocumentAndTheStoreStaysUsable()
    {
        await _table.WriteAsync(items => { items.Put("a", new Note("x", 1)); return 0; }, Ct);

        await _table.ClearAsync(Ct);
        await _table.WriteAsync(items => { items.Put("b", new Note("y", 2)); return 0; }, Ct);

        Assert.Equal([new Note("y", 2)], await _table.ReadAsync(items => items.Scan<Note>("")));
    }

    [Fact]
    public async Task WriteAsync_Cancelled_DoesNotRunTheWork()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var ran = false;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _table.WriteAsync(_ => ran = true, cancelled.Token));

        Assert.False(ran);
    }
}
