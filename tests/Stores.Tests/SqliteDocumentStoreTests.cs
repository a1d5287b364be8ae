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

    [Fact]
    public async Task ConcurrentWrites_CommittedTogether_EachSeesTheOnesBefore_AndAFailingOneIsUndoneAlone()
    {
        await _table.WriteAsync(items => { items.Put("counter", new Note("count", 0)); return 0; }, Ct);

        // 200 writers at once: every fifth increments the counter and then throws, which must undo its increment only.
        var writes = Enumerable.Range(0, 200).Select(i => Task.Run(() => _table.WriteAsync(items =>
        {
            var counter = items.Get<Note>("counter")!;
            items.Put("counter", counter with { Count = counter.Count + 1 });
            items.Put($"w{i}", new Note("written", i));
            if (i % 5 == 0)
            {
                throw new InvalidOperationException($"write {i} refused");
            }

            return counter.Count + 1;
        }, Ct), Ct)).ToList();
        var outcomes = await Task.WhenAll(writes.Select(async w => { try { return await w; } catch (InvalidOperationException) { return -1; } }));

        Assert.Equal(40, outcomes.Count(o => o == -1));
        // The successful writes each saw the ones committed before them: their counts are exactly 1..160.
        Assert.Equal(Enumerable.Range(1, 160), outcomes.Where(o => o > 0).Order());
        Assert.Equal(160, (await _table.ReadAsync(items => items.Get<Note>("counter")))!.Count);
        var stored = await _table.ReadAsync(items => items.Scan<Note>("w"));
        Assert.Equal(160, stored.Count);
        Assert.DoesNotContain(stored, n => n.Count % 5 == 0);
    }
}
