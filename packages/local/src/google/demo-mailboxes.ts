import { type DemoContact, demoContacts, demoPeople } from "../seed/demo-data";
import { type GmailMessageInput, seededRandom } from "./gmail";

const day = 24 * 60 * 60 * 1000;

/** Senders that match no demo contact: what a real mailbox is full of besides customers. */
const strangers = [
  "Northwind Newsletter <newsletter@updates.example>",
  "billing@saas-invoices.example",
  '"Sam Recruiter" <sam@talent-scouts.example>',
  "Priya Patel <priya@unknown-startup.example>",
  "no-reply@calendar-notifications.example",
];

const topics = [
  { subject: "Fleet telematics rollout: next steps", line: "here are the next steps for the telematics rollout" },
  { subject: "Quote for warehouse scanners", line: "attached is the revised quote for the scanners" },
  { subject: "Annual support renewal", line: "our support contract comes up for renewal next month" },
  { subject: "Notes from today's call", line: "thanks for the call, my notes are below" },
  { subject: "Analytics add-on pricing", line: "could you send the pricing for the analytics add-on" },
  { subject: "Onboarding schedule", line: "we propose to start onboarding on Monday" },
  { subject: "Contract redlines", line: "legal sent back a few redlines on the contract" },
  { subject: "Enterprise licences: seat count", line: "we need to confirm the seat count for the licences" },
];

const strangerTopics = [
  { subject: "Your weekly digest", line: "the top stories of the week" },
  { subject: "Invoice 2026-0142 is ready", line: "your invoice is ready to view" },
  { subject: "A role you might like", line: "I came across your profile and wanted to reach out" },
  { subject: "Quick question about your stack", line: "we are building a tool that might help your team" },
  { subject: "Reminder: quarterly review", line: "this is a reminder of your upcoming event" },
];

const mailboxSizes: Record<keyof typeof demoPeople, number> = { admin: 24, member: 20, viewer: 15 };

const personAddress = (person: { email: string; name: string }, bare: boolean) =>
  bare ? person.email : `${person.name} <${person.email}>`;

const contactAddress = (contact: DemoContact, bare: boolean) =>
  bare ? contact.email : `${contact.firstName} ${contact.lastName} <${contact.email}>`;

const domainOf = (address: string) => /@([^>\s]+)/.exec(address)?.[1] ?? "mail.example";

/**
 * Deterministic Gmail content for each demo person over the last 90 days (15 to 24 messages each, by email):
 * mostly with demo contacts (From, To and Cc mixed, some replies in threads), some with addresses that match no
 * contact, and one message that alice and bob both received (same Message-ID; each mailbox gives it its own id).
 * Dates are whole minutes on days before `now`'s, so nothing is in the future.
 */
export function demoMailboxes(now: number = Date.now()): Record<string, GmailMessageInput[]> {
  const contacts = demoContacts();
  const random = seededRandom("demo-mailboxes");
  const midnight = Math.floor(now / day) * day;
  const at = (daysAgo: number) =>
    midnight - daysAgo * day + (8 + Math.floor(random() * 10)) * 3_600_000 + Math.floor(random() * 60) * 60_000;
  const mailboxes: Record<string, GmailMessageInput[]> = {};

  for (const [personIndex, [key, person]] of Object.entries(demoPeople).entries()) {
    const count = mailboxSizes[key as keyof typeof demoPeople];
    const colleague = Object.values(demoPeople)[(personIndex + 1) % 3] as { email: string; name: string };
    const messages: GmailMessageInput[] = [];
    for (let index = 0; index < count; index += 1) {
      // Oldest first, spread over 89 days, ending yesterday.
      const daysAgo = Math.max(1, 89 - Math.floor((index * 88) / (count - 1)));
      const contact = contacts[(personIndex * 7 + index * 3) % contacts.length] as DemoContact;
      const other = contacts[(personIndex * 7 + index * 3 + 11) % contacts.length] as DemoContact;
      const topic = topics[(index + personIndex) % topics.length] as (typeof topics)[number];
      const bare = index % 4 === 1;
      const kind = [
        "inbound",
        "outbound",
        "inboundWithCc",
        "reply",
        "inbound",
        "stranger",
        "outboundWithCc",
        "inbound",
      ][index % 8];
      const previous = messages[messages.length - 1];
      const messageId = (sender: string) => `<demo-${key}-${String(index).padStart(2, "0")}@${domainOf(sender)}>`;
      const greeting = `Hi ${kind?.startsWith("outbound") ? contact.firstName : person.name.split(" ")[0]},`;
      const signature = kind?.startsWith("outbound") ? person.name : `${contact.firstName} ${contact.lastName}`;
      const body = `${greeting}\n\nJust a note: ${topic.line}.\n\nBest,\n${signature}\n`;
      if (kind === "stranger") {
        const from = strangers[(index + personIndex) % strangers.length] as string;
        const strangerTopic = strangerTopics[
          (index + personIndex) % strangerTopics.length
        ] as (typeof strangerTopics)[number];
        messages.push({
          from,
          to: personAddress(person, bare),
          subject: strangerTopic.subject,
          date: at(daysAgo),
          body: `Hello,\n\n${strangerTopic.line}.\n`,
          messageId: messageId(from),
          labelIds: ["INBOX", "CATEGORY_UPDATES"],
        });
      } else if (kind === "reply" && previous) {
        // The other side of the previous message answers it a few hours later, in its thread.
        const repliedByPerson = !previous.from.includes(person.email);
        const firstRecipient = (Array.isArray(previous.to) ? previous.to[0] : previous.to) as string;
        const from = repliedByPerson ? personAddress(person, false) : firstRecipient;
        messages.push({
          from,
          to: repliedByPerson ? previous.from : personAddress(person, false),
          subject: previous.subject.startsWith("Re: ") ? previous.subject : `Re: ${previous.subject}`,
          date: (previous.date as number) + (1 + Math.floor(random() * 5)) * 3_600_000,
          body: `Thanks, that works for us.\n\n> ${topic.line}\n`,
          messageId: messageId(from),
          inReplyTo: previous.messageId,
        });
      } else if (kind?.startsWith("outbound")) {
        const from = personAddress(person, false);
        messages.push({
          from,
          to: contactAddress(contact, bare),
          ...(kind === "outboundWithCc" ? { cc: [personAddress(colleague, true), contactAddress(other, false)] } : {}),
          subject: topic.subject,
          date: at(daysAgo),
          body,
          messageId: messageId(from),
        });
      } else {
        const from = contactAddress(contact, bare);
        messages.push({
          from,
          to:
            kind === "inboundWithCc"
              ? [personAddress(person, bare), contactAddress(other, true)]
              : personAddress(person, bare),
          ...(kind === "inboundWithCc" ? { cc: personAddress(colleague, false) } : {}),
          subject: topic.subject,
          date: at(daysAgo),
          body,
          messageId: messageId(from),
          // Older mail has been read.
          labelIds: daysAgo > 7 ? ["INBOX", "CATEGORY_PERSONAL"] : ["INBOX", "UNREAD", "CATEGORY_PERSONAL"],
        });
      }
    }
    mailboxes[person.email] = messages;
  }

  // One message to both alice and bob: the same Message-ID in both mailboxes.
  const sender = contacts[0] as DemoContact;
  const shared: GmailMessageInput = {
    from: contactAddress(sender, false),
    to: personAddress(demoPeople.admin, false),
    cc: personAddress(demoPeople.member, false),
    subject: "Kick-off meeting for the Globex rollout",
    date: at(12),
    body: `Hi Alice, hi Bob,\n\nshall we meet on Thursday to kick off the rollout?\n\nBest,\n${sender.firstName}\n`,
    messageId: `<demo-shared-kickoff@${domainOf(sender.email)}>`,
    labelIds: ["INBOX", "CATEGORY_PERSONAL"],
  };
  for (const person of [demoPeople.admin, demoPeople.member]) mailboxes[person.email]?.push({ ...shared });
  return mailboxes;
}
