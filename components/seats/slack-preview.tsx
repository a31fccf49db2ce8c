import type { ReactNode } from "react";
import type { Block, SlackMessage, TextObject } from "@/lib/alerts/slack-message";

/** Slack's escapes back to text (React escapes it again for the page). */
const unescape = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** The little mrkdwn the digest uses: `code`, *bold*, _italic_; emoji names are left out. Everything else is text. */
function inline(text: string): ReactNode[] {
  const parts: ReactNode[] = [];
  const re = /`([^`]*)`|\*([^*\n]+)\*|_([^_\n]+)_|(:[a-z_]+:)/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (m.index > last) parts.push(unescape(text.slice(last, m.index)));
    const key = parts.length;
    if (m[1] !== undefined)
      parts.push(
        <code key={key} className="rounded bg-slate-100 px-1 text-[0.8125rem] text-rose-800">
          {unescape(m[1])}
        </code>,
      );
    else if (m[2] !== undefined) parts.push(<strong key={key}>{unescape(m[2])}</strong>);
    else if (m[3] !== undefined) parts.push(<em key={key}>{unescape(m[3])}</em>);
    // :emoji: names: Slack draws them; the preview leaves them out rather than show a name or a missing glyph.
    last = re.lastIndex;
  }
  if (last < text.length) parts.push(unescape(text.slice(last)));
  return parts;
}

function Text({ t }: { t: TextObject }) {
  return (
    <>
      {t.text.split("\n").map((line, i) => (
        <span key={i} className="block">
          {t.type === "mrkdwn" ? inline(line) : line}
        </span>
      ))}
    </>
  );
}

function BlockView({ block }: { block: Block }) {
  if (block.type === "divider") return <hr className="my-2 border-slate-200" />;
  if (block.type === "context")
    return (
      <div className="mt-2 text-xs text-slate-600">
        {block.elements.map((e, i) => (
          <Text key={i} t={e} />
        ))}
      </div>
    );
  return (
    <div className="mt-1.5">
      {block.text && <Text t={block.text} />}
      {block.fields?.map((f, i) => (
        <Text key={i} t={f} />
      ))}
    </div>
  );
}

/** A Block Kit message drawn roughly as Slack shows it (read-only preview). */
export function SlackPreview({ message, label }: { message: SlackMessage; label: string }) {
  return (
    <figure aria-label={label} className="rounded-md border border-slate-200 bg-white p-3 text-sm leading-6 text-slate-900">
      <div className="flex items-center gap-2 text-xs text-slate-600">
        <span aria-hidden="true" className="inline-flex h-5 w-5 items-center justify-center rounded bg-indigo-700 text-[10px] font-bold text-white">
          o
        </span>
        <span className="font-semibold text-slate-900">orgtrail</span>
        <span>APP · weekly digest</span>
      </div>
      {message.blocks.map((block, i) => (
        <BlockView key={i} block={block} />
      ))}
    </figure>
  );
}
