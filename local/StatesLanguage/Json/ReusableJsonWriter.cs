using System.Buffers;
using System.Text.Json;

namespace StatesLanguage.Json;

/// <summary>
/// A UTF-8 JSON writer and its buffer per thread, kept between uses: text written for every state or event then costs
/// no writer, no buffer and no growth of either. What one use wrote is valid until the same thread starts the next.
/// </summary>
public sealed class ReusableJsonWriter(JsonWriterOptions options = default)
{
    private readonly ThreadLocal<(ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)> _perThread = new(() =>
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        return (buffer, new Utf8JsonWriter(buffer, options));
    });

    /// <summary>The calling thread's writer, emptied.</summary>
    public Utf8JsonWriter Start()
    {
        var (buffer, writer) = _perThread.Value;
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        return writer;
    }

    /// <summary>What the calling thread's writer has written since <see cref="Start"/>, flushed.</summary>
    public ReadOnlySpan<byte> Written()
    {
        var (buffer, writer) = _perThread.Value;
        writer.Flush();
        return buffer.WrittenSpan;
    }
}
