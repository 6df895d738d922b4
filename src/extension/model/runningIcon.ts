/**
 * The codicon that says "a run goes on" in the status bar and the Leaks view. A still icon, never a
 * spinning one (`sync~spin`): a spinning codicon is an endless CSS animation, and while one is on
 * screen the window draws a new frame some 60 times a second for the whole run. Where the browser
 * composites in software (VS Code for the browser without a GPU), every such frame takes the
 * compositor several milliseconds (tens with the Memory Map open), on the same cores as the
 * harness's worker and the editor. The status bar's step, which moves at least once a second,
 * already shows that the run is alive.
 */
export const RUNNING_ICON = 'pulse';
