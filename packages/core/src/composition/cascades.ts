import { activityLinkCascade } from "../domain/activity/activity.service";
import { registerLinkCascade } from "../domain/association/link-cascades";
import { contactLinkCascade } from "../domain/contact/contact.service";
import { dealLinkCascade, relocateDeals } from "../domain/deal/deal.service";
import { registerStageRelocation } from "../domain/pipeline/stage-removal";
import { fileLinkCascade } from "../features/file/file-trash.service";

/**
 * The cascades between aggregates, registered once, above them: what a deleted or restored record's holders do
 * (contacts hold companies; deals hold contacts and companies; activities and files hold all three), in this order, and who
 * moves a removed stage's deals. Imported for its effect by the functions that delete, restore or change pipelines.
 */
registerLinkCascade("contact", contactLinkCascade);
registerLinkCascade("deal", dealLinkCascade);
registerLinkCascade("activity", activityLinkCascade);
registerLinkCascade("file", fileLinkCascade);
registerStageRelocation(relocateDeals);
