using System.Text;

namespace ECommerce.LocalHost;

/// <summary>Turns each line a service writes to its log (Lambda's stderr) into one structured log entry.</summary>
internal sealed class LoggerTextWriter(ILogger logger) : TextWriter
{
    private readonly StringBuilder _line = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_line)
        {
            if (value == '\n')
            {
                var line = _line.ToString().TrimEnd('\r');
                _line.Clear();
                if (line.Length > 0)
                {
                    logger.LogInformation("{Line}", line);
                }
            }
            else
            {
                _line.Append(value);
            }
        }
    }
}
