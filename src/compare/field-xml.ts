const MASTER_DETAIL = /<type>\s*MasterDetail\s*<\/type>/;

/** Whether a field's XML makes it master-detail: such a field deploys with its object (the sharing model depends on it). */
export function isMasterDetail(fieldXml: Buffer): boolean {
  return MASTER_DETAIL.test(fieldXml.toString('utf8'));
}
