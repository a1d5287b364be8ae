namespace StepFunctionsConsole;

/// <summary>The execution page's only script: state details on click, and live refresh while the execution runs.</summary>
internal static class ConsoleScript
{
    public static string Execution(bool running) => """
        (function () {
          var selected = null;
          function stateData() { return JSON.parse(document.getElementById('state-data').textContent); }
          function row(label, value) {
            if (value === null || value === undefined || value === '') return '';
            var dt = document.createElement('dt'); dt.textContent = label;
            var dd = document.createElement('dd');
            if (typeof value === 'string' && (value.indexOf('\n') >= 0 || value.length > 60)) {
              var pre = document.createElement('pre'); pre.textContent = value; dd.appendChild(pre);
            } else { dd.textContent = String(value); }
            return [dt, dd];
          }
          function show(name) {
            selected = name;
            document.querySelectorAll('svg [data-state]').forEach(function (g) {
              g.classList.toggle('selected', g.getAttribute('data-state') === name);
            });
            var panel = document.getElementById('state-details');
            panel.textContent = '';
            var data = stateData()[name];
            var title = document.createElement('h3'); title.textContent = name; panel.appendChild(title);
            if (!data) { var p = document.createElement('p'); p.textContent = 'Not reached in this execution.'; panel.appendChild(p); return; }
            var dl = document.createElement('dl'); dl.className = 'details';
            [['Status', data.status], ['Visits', data.visits], ['Retries', data.retries], ['Entered', data.enteredAt],
             ['Exited', data.exitedAt], ['Duration (ms)', data.durationMs], ['Error', data.error], ['Cause', data.cause],
             ['Input', data.input], ['Output', data.output]].forEach(function (r) {
              var cells = row(r[0], r[1]); if (cells) { dl.appendChild(cells[0]); dl.appendChild(cells[1]); }
            });
            panel.appendChild(dl);
            document.getElementById('state-hint').hidden = true;
          }
          function wire() {
            document.querySelectorAll('svg [data-state]').forEach(function (g) {
              g.addEventListener('click', function () { show(g.getAttribute('data-state')); });
            });
          }
          wire();
          var running = RUNNING;
          if (!running) return;
          var timer = setInterval(function () {
            fetch('execution/live' + location.search, { cache: 'no-store' }).then(function (r) { return r.json(); }).then(function (live) {
              document.getElementById('summary').innerHTML = live.summary;
              document.getElementById('graph').innerHTML = live.graph;
              document.getElementById('history').innerHTML = live.history;
              document.getElementById('state-data').textContent = live.states;
              wire();
              if (selected) show(selected);
              if (live.status !== 'RUNNING') clearInterval(timer);
            }).catch(function () {});
          }, 1000);
        })();
        """.Replace("RUNNING;", running ? "true;" : "false;", StringComparison.Ordinal);
}
