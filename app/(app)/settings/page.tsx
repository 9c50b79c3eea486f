import type { Metadata } from "next";
import Link from "next/link";
import { Alert, Button, Card, PageHeader, NoCompanyPage } from "@/app/_components/ui";
import { getDb } from "@/db/client";
import { countRules, getTimeDescriptionSettings } from "@/db/queries/mappings";
import { getCurrentCompany, requireSession } from "@/lib/auth/session";
import { MAPPING_CATEGORIES, MAPPING_CATEGORY_META } from "@/lib/mapping/rules";
import { saveTimeDescriptionAction, saveWebhookAction } from "./actions";
import { getCompanyWebhook } from "@/lib/notify/webhook-settings";
import { COMBINE_EXPLANATION, COMBINE_OPTIONS, ROUNDING_OPTIONS } from "./categories";
import { ROUNDING_INCREMENTS } from "@/lib/import/types";
import { formatWhen } from "./format";
import { ScheduleForm } from "./schedule-form";
import { getSchedule } from "@/lib/schedule/settings";

export const metadata: Metadata = { title: "Settings" };

const ERRORS: Record<string, string> = {
  unknown_rule: "That rule is not one of this account's rules, so nothing was changed.",
  unknown_company: "That company is not connected to your account, so nothing was changed.",
  disconnected: "That company is disconnected. Connect it again before changing its settings.",
};

/** The time description switches: what each puts into the TimeActivity description. */
const DESCRIPTION_CHECKBOXES = [
  { name: "importTaskNames", label: "Import task names", hint: "The actiTIME task name goes into the TimeActivity description." },
  { name: "importComments", label: "Import time-track comments", hint: "The comment written on the actiTIME time-track goes into the description." },
] as const;

export default async function SettingsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const param = (key: string) => (typeof params[key] === "string" ? params[key] : undefined);
  const session = await requireSession();
  const { current } = await getCurrentCompany(session);
  if (!current) return <NoCompanyPage page="Settings">Mapping rules and time description settings belong to a QuickBooks company.</NoCompanyPage>;
  const db = await getDb();
  const [counts, description, schedule] = await Promise.all([countRules(db, current.id), getTimeDescriptionSettings(db, current.id), getSchedule(db, current.id)]);
  const webhook = await getCompanyWebhook(db, current.id);
  const error = param("error");

  return (
    <>
      <PageHeader
        title="Settings"
        description={`Mapping rules and time descriptions for ${current.companyName}. Changes apply to future imports only; past imports keep the rules they used.`}
      />
      <div className="space-y-3">
        {error ? <Alert tone="error">{ERRORS[error] ?? "Something went wrong. Nothing was changed."}</Alert> : null}
        {param("scheduleSaved") ? <Alert tone="success">Schedule saved.</Alert> : null}
        {param("descriptionSaved") ? <Alert tone="success">Time settings saved. They apply to future imports.</Alert> : null}
        {param("descriptionError") ? <Alert tone="error">Time settings were not saved: choose one of the offered options.</Alert> : null}
      </div>

      <h2 className="mb-3 mt-6 text-lg font-semibold text-slate-900">Mapping rules</h2>
      <div className="grid gap-4 sm:grid-cols-2">
        {MAPPING_CATEGORIES.map((category) => {
          const slug = MAPPING_CATEGORY_META[category].slug;
          const count = counts[category];
          return (
            <Card key={slug} className="flex flex-col p-5">
              <h3 className="text-base font-semibold text-slate-900">
                <Link href={`/settings/${slug}`} className="hover:underline">
                  {MAPPING_CATEGORY_META[category].label}
                </Link>
              </h3>
              <p className="mt-1 flex-1 text-sm text-slate-600">{MAPPING_CATEGORY_META[category].blurb}</p>
              <div className="mt-4 flex items-center justify-between gap-3 text-sm">
                <span className="text-slate-700">{count === 0 ? "No rules yet" : count === 1 ? "1 rule" : `${count} rules`}</span>
                <span className="flex gap-3">
                  <Link href={`/settings/${slug}`} className="font-medium text-brand-700 hover:underline">
                    View and edit<span className="sr-only"> {MAPPING_CATEGORY_META[category].label} rules</span>
                  </Link>
                  <Link href={`/settings/${slug}?view=history`} className="font-medium text-brand-700 hover:underline">
                    History<span className="sr-only"> of {MAPPING_CATEGORY_META[category].label} rules</span>
                  </Link>
                </span>
              </div>
            </Card>
          );
        })}
      </div>

      <h2 className="mb-3 mt-8 text-lg font-semibold text-slate-900" id="time-description">
        Time settings
      </h2>
      <Card className="p-5">
        <form action={saveTimeDescriptionAction} aria-labelledby="time-description" className="space-y-4">
          <input type="hidden" name="connectionId" value={current.id} />
          <p className="max-w-3xl text-sm text-slate-600">{COMBINE_EXPLANATION}</p>
          <div className="space-y-3">
            {DESCRIPTION_CHECKBOXES.map(({ name, label, hint }) => (
              <div key={name} className="flex items-start gap-3">
                <input id={name} name={name} type="checkbox" defaultChecked={description[name]} className="mt-0.5 h-4 w-4 rounded border-slate-300" aria-describedby={`${name}-hint`} />
                <div>
                  <label htmlFor={name} className="text-sm font-medium text-slate-900">
                    {label}
                  </label>
                  <p id={`${name}-hint`} className="text-sm text-slate-600">
                    {hint}
                  </p>
                </div>
              </div>
            ))}
          </div>
          <RadioGroup name="combine" legend="Combine" hint="How actiTIME records become QuickBooks TimeActivities. Changing it replaces the activities of every range imported again." options={COMBINE_OPTIONS} checked={description.combine} />
          <RadioGroup name="rounding" legend="Rounding" hint="Applied to each activity after combining. The Preview shows tracked and rounded hours side by side." options={ROUNDING_OPTIONS} checked={description.rounding}>
            <div className="flex items-center gap-2 pt-1">
              <label htmlFor="roundingMinutes" className="text-sm text-slate-800">
                Round to
              </label>
              <select id="roundingMinutes" name="roundingMinutes" defaultValue={String(description.roundingMinutes)} className="rounded-md border border-slate-300 px-2 py-1 text-sm">
                {ROUNDING_INCREMENTS.map((minutes) => (
                  <option key={minutes} value={String(minutes)}>
                    {minutes} minutes
                  </option>
                ))}
              </select>
            </div>
          </RadioGroup>
          <div className="flex flex-wrap items-center gap-4">
            <Button type="submit">Save</Button>
            <p className="text-xs text-slate-500">
              {description.updatedAt
                ? `Last saved ${formatWhen(description.updatedAt)}${description.updatedByName ? ` by ${description.updatedByName}` : ""}.`
                : "Not saved yet: both are off. Combined automatically, not rounded."}
            </p>
          </div>
        </form>
      </Card>

      <h2 className="mb-3 mt-8 text-lg font-semibold text-slate-900" id="schedule">
        Schedule
      </h2>
      <ScheduleForm
        connectionId={current.id}
        schedule={schedule}
        error={param("scheduleError") ? { field: param("scheduleField") ?? "", message: param("scheduleError")!.slice(0, 300) } : undefined}
      />

      <h2 className="mb-3 mt-8 text-lg font-semibold text-slate-900" id="webhook">
        Webhook
      </h2>
      <Card className="p-5">
        <form action={saveWebhookAction} aria-labelledby="webhook" className="space-y-3">
          <input type="hidden" name="connectionId" value={current.id} />
          <p className="max-w-3xl text-sm text-slate-600">Optional. A JSON POST when a scheduled import ends or this company needs reconnecting, signed with HMAC-SHA256 (header X-Signature-256) using your secret. See the README.</p>
          {param("webhookError") ? <Alert tone="error">{param("webhookError")!.slice(0, 300)}</Alert> : null}
          {param("webhookSaved") ? <Alert tone="success">{param("webhookSaved") === "removed" ? "Webhook removed." : "Webhook saved."}</Alert> : null}
          <div>
            <label htmlFor="webhook-url" className="text-sm font-medium text-slate-900">URL</label>
            <input id="webhook-url" name="url" type="url" defaultValue={webhook?.url ?? ""} placeholder="https://hooks.example.com/actitime" className="mt-1 block w-full max-w-xl rounded-md border border-slate-300 px-3 py-2 text-sm" />
          </div>
          <div>
            <label htmlFor="webhook-secret" className="text-sm font-medium text-slate-900">Signing secret</label>
            <input id="webhook-secret" name="secret" type="password" autoComplete="off" aria-describedby="webhook-secret-hint" className="mt-1 block w-full max-w-xl rounded-md border border-slate-300 px-3 py-2 text-sm" />
            <p id="webhook-secret-hint" className="mt-1 text-xs text-slate-500">{webhook ? "Set. Leave empty to keep it; it is never shown again." : "At least 16 characters."} Empty URL removes the webhook.</p>
          </div>
          <div className="flex items-center gap-4">
            <Button type="submit">Save webhook</Button>
            {webhook?.lastDeliveredAt ? <p className="text-xs text-slate-500">Last delivery {formatWhen(webhook.lastDeliveredAt)}: {webhook.lastError ?? `answered ${webhook.lastStatus}`}</p> : null}
          </div>
        </form>
      </Card>
    </>
  );
}

/** A labelled group of radio buttons with its hint (ids `<name>-<value>`); `children` follow the options. */
function RadioGroup({ name, legend, hint, options, checked, children }: { name: string; legend: string; hint: string; options: readonly { value: string; label: string }[]; checked: string | undefined; children?: React.ReactNode }) {
  return (
    <fieldset className="space-y-2" aria-describedby={`${name}-hint`}>
      <legend className="text-sm font-medium text-slate-900">{legend}</legend>
      <p id={`${name}-hint`} className="text-sm text-slate-600">
        {hint}
      </p>
      {options.map((option) => (
        <div key={option.value} className="flex items-start gap-3">
          <input id={`${name}-${option.value}`} name={name} type="radio" value={option.value} defaultChecked={checked === option.value} className="mt-0.5 h-4 w-4 border-slate-300" />
          <label htmlFor={`${name}-${option.value}`} className="text-sm text-slate-800">
            {option.label}
          </label>
        </div>
      ))}
      {children}
    </fieldset>
  );
}
