namespace StepFunctionsConsole;

internal static class ConsoleStyles
{
    public const string Css = """
        :root { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #16191f; background: #f2f3f3; }
        body { margin: 0; }
        header.top { background: #232f3e; padding: 10px 20px; }
        header.top a { color: #fff; text-decoration: none; font-weight: 600; }
        main { padding: 16px 20px; }
        h1 { font-size: 22px; margin: 4px 0 12px; word-break: break-all; }
        h2 { font-size: 17px; margin: 18px 0 8px; }
        section.card { background: #fff; border: 1px solid #d5dbdb; border-radius: 8px; padding: 12px 16px; margin-bottom: 16px; }
        table { border-collapse: collapse; width: 100%; font-size: 13px; }
        th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #eaeded; vertical-align: top; }
        th { background: #fafafa; }
        .badge { display: inline-block; padding: 2px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; background: #687078; }
        .status-succeeded { background: #1d8102; } .status-failed { background: #d13212; } .status-running { background: #0073bb; }
        .status-aborted { background: #8d6605; } .status-timed-out { background: #d13212; } .status-pending-redrive { background: #8d6605; }
        .layout { display: grid; grid-template-columns: minmax(0, 3fr) minmax(280px, 2fr); gap: 16px; }
        .graph { overflow: auto; background: #fff; }
        .graph svg { max-width: 100%; height: auto; }
        pre { background: #f8f8f8; border: 1px solid #eaeded; padding: 8px; overflow: auto; max-height: 320px; font-size: 12px; white-space: pre-wrap; word-break: break-all; }
        form.inline { display: inline; }
        button { background: #ec7211; color: #fff; border: 0; border-radius: 4px; padding: 6px 14px; font-weight: 600; cursor: pointer; }
        button.secondary { background: #545b64; }
        textarea { width: 100%; min-height: 120px; font-family: ui-monospace, monospace; font-size: 12px; }
        input[type=text] { padding: 4px 6px; }
        .legend span { margin-right: 10px; font-size: 12px; }
        .legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: middle; }
        .error { color: #d13212; font-weight: 600; }
        svg [data-state] { cursor: pointer; }
        svg [data-state].selected rect, svg [data-state].selected polygon, svg [data-state].selected ellipse { stroke: #ec7211 !important; stroke-width: 3px !important; }
        dl.details { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; font-size: 13px; }
        dl.details dt { font-weight: 600; }
        svg [data-redriven] rect, svg [data-redriven] polygon, svg [data-redriven] ellipse { stroke: #8c4fff !important; stroke-width: 3px !important; stroke-dasharray: 6 3; }
        .legend i.redriven-key { background: #fff; border: 2px dashed #8c4fff; width: 8px; height: 8px; }
        tr.redrive-separator td { background: #f1ebff; border-top: 3px solid #8c4fff; font-weight: 600; color: #5a2fb3; }
        tr.redriven-attempt td:first-child { border-left: 3px solid #8c4fff; }
        """;
}
