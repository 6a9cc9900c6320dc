import { excludeFix } from '../fix.js';
import type { Rule } from '../types.js';

/**
 * Types whose availability in the China org is unverified (shared/CHINA.md): Einstein bots, generative AI and
 * Agentforce, Data Cloud, Slack apps, Einstein prediction builder. A documented table; users turn findings off
 * per rule or accept them per component.
 */
export const UNVERIFIED_TYPES: ReadonlyArray<{ readonly pattern: RegExp; readonly product: string }> = [
  { pattern: /^(Bot|BotVersion|BotBlock|BotTemplate|ConversationMessageDefinition)$/, product: 'Einstein Bots' },
  { pattern: /^GenAi/, product: 'Einstein generative AI / Agentforce' },
  { pattern: /^(AIApplication|AIApplicationConfig|AiEvaluationDefinition|MLDataDefinition|MLPredictionDefinition|MLRecommendationDefinition)$/, product: 'Einstein AI' },
  {
    pattern: /^(DataStreamDefinition|DataSourceObject|DataSource|DataPackageKitDefinition|DataPackageKitObject|DataKitObjectTemplate|DataSrcDataModelFieldMap|DataConnectorS3|DataConnectorIngestApi|DataObjectSearchIndexConf|DataspaceScope|MktDataTranObject|MktDataTranField|MktCalcInsightObjectDef|MktDataConnection|ExternalDataConnector|ExternalDataTranObject|ExternalDataTranField|DataCalcInsightTemplate|DataStreamTemplate|ObjectSourceTargetMap|InternalDataConnector|FieldSrcTrgtRelationship|DataSourceBundleDefinition|DataSourceTenant)$/,
    product: 'Data Cloud',
  },
  { pattern: /^(SlackApp|ViewDefinition|SlackConnectedApp)$/, product: 'Slack' },
];

export function unverifiedProduct(type: string): string | undefined {
  return UNVERIFIED_TYPES.find((entry) => entry.pattern.test(type))?.product;
}

/** CN-FEAT-01: metadata types whose products are not verified to exist in the China org. */
const rule: Rule = {
  id: 'CN-FEAT-01',
  title: 'Metadata type of a product unverified in China',
  help:
    'Einstein Bots, generative AI / Agentforce (GenAi*), Data Cloud and Slack app types are not confirmed to be available on Salesforce on Alibaba Cloud; a deployment of them may fail. ' +
    'Exclude them in the China overlay (a snippet is printed), or accept the finding once the China org is known to have the product.',
  defaultSeverity: 'warn',
  bound: ['china'],
  check(context, emit) {
    for (const type of context.types()) {
      const product = unverifiedProduct(type);
      if (!product) continue;
      for (const component of context.byType(type)) {
        // A child whose parent is flagged too is excluded with it.
        if (component.parent && context.component(component.parent) && unverifiedProduct(component.parent.split(':')[0])) continue;
        const file = component.xml ?? component.content[0];
        emit({
          message: `${component.key} is ${product} metadata, not verified to be available in the China org.`,
          component: component.key,
          path: file?.path,
          line: file ? 1 : undefined,
          fix: excludeFix(context, `Exclude it in the ${context.region} overlay (or accept it once the China org has ${product}).`, component.key, `${product} is not available in the China org`),
        });
      }
    }
  },
};
export default rule;
