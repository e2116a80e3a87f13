declare module '@joplin/turndown-plugin-gfm' {
  import type TurndownService from 'turndown';
  /** Turndown plugins for GitHub-flavoured Markdown: tables, strikethrough, task lists. */
  export const gfm: TurndownService.Plugin;
  export const tables: TurndownService.Plugin;
  export const strikethrough: TurndownService.Plugin;
  export const taskListItems: TurndownService.Plugin;
}
