import { Button } from "@/components/ui/button";
import type { InvalidParam } from "./dashboard-params";

/** A link with values the dashboard does not know: said once, with Reset (the link without them). */
export function InvalidParamsBanner({ invalid, onReset }: { invalid: InvalidParam[]; onReset: () => void }) {
  return (
    <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-5 text-amber-950">
      <h2 className="text-base font-semibold">This link has {invalid.length === 1 ? "a value" : "values"} the dashboard cannot show</h2>
      <ul className="mt-2 list-disc space-y-1 pl-5 text-sm">
        {invalid.map((p) => (
          <li key={p.name}>
            <code className="rounded bg-amber-100 px-1 break-all">
              {p.name}={p.value}
            </code>
            : {p.reason}
          </li>
        ))}
      </ul>
      <div className="mt-4 flex items-center gap-3">
        <Button variant="primary" onClick={onReset}>
          Reset
        </Button>
        <span className="text-sm">Reset removes {invalid.length === 1 ? "it" : "them"} from the link and shows the default view.</span>
      </div>
    </div>
  );
}
