using System.Text;
using System.Text.Encodings.Web;

namespace StepFunctionsConsole;

/// <summary>Small helpers for server-rendered HTML: everything from the API is encoded on the way in.</summary>
internal static class Html
{
    public static string Encode(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    public static string Url(string? text) => UrlEncoder.Default.Encode(text ?? "");

    public static string Page(string title, string body, string? script = null)
    {
        var page = new StringBuilder();
        page.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">");
        page.Append("<title>").Append(Encode(title)).Append(" · Step Functions console</title><style>").Append(ConsoleStyles.Css).Append("</style></head><body>");
        page.Append("<header class=\"top\"><a href=\"./\" class=\"brand\">Step Functions · local console</a></header><main>");
        page.Append(body);
        page.Append("</main>");
        if (script is not null)
        {
            page.Append("<script>").Append(script).Append("</script>");
        }

        page.Append("</body></html>");
        return page.ToString();
    }

    public static string StatusBadge(string? status) =>
        $"<span class=\"badge status-{Encode(status?.ToLowerInvariant().Replace('_', '-'))}\" data-testid=\"status\">{Encode(status)}</span>";

    public static string Time(DateTimeOffset? time) =>
        time is null ? "" : $"<time datetime=\"{time.Value.UtcDateTime:O}\">{time.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff} UTC</time>";
}
