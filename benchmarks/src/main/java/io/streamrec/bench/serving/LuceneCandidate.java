package io.streamrec.bench.serving;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;

/**
 * Lucene 9.12's HNSW as it is meant to be kept current: an {@link IndexWriter} (updateDocument per upserted row,
 * deleteDocuments per tombstone; deletes are live-docs bits, merges rebuild graphs in the background) and a
 * near-real-time {@link SearcherManager} refreshed after each delta, vectors memory-mapped. A query asks for
 * {@code searchBeamWidth} candidates (Lucene's k is also its beam) and keeps the best k.
 */
final class LuceneCandidate implements Candidate {

    private static final String VECTOR = "v";
    private static final String ID = "id";

    private final Path dir;
    private final MMapDirectory directory;
    private final IndexWriter writer;
    private final ExecutorService mergeWorkers;
    private final int searchBeamWidth;
    private SearcherManager searchers;

    LuceneCandidate(int maxConn, int beamWidth, int searchBeamWidth) throws Exception {
        this.searchBeamWidth = searchBeamWidth;
        this.dir = Files.createTempDirectory("lucene-candidate");
        this.directory = new MMapDirectory(dir);
        int workers = Runtime.getRuntime().availableProcessors();
        this.mergeWorkers = Executors.newFixedThreadPool(workers);
        KnnVectorsFormat format = new Lucene99HnswVectorsFormat(maxConn, beamWidth, workers, mergeWorkers);
        IndexWriterConfig config = new IndexWriterConfig()
                .setCodec(new Lucene912Codec() {
                    @Override
                    public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                        return format;
                    }
                })
                .setRAMBufferSizeMB(1024);
        this.writer = new IndexWriter(directory, config);
    }

    @Override
    public String name() {
        return "lucene";
    }

    private static Document document(Row row) {
        Document doc = new Document();
        doc.add(new StringField(ID, row.itemId(), Field.Store.NO));
        doc.add(new SortedDocValuesField(ID, new BytesRef(row.itemId())));
        doc.add(new KnnFloatVectorField(VECTOR, row.vector(), VectorSimilarityFunction.DOT_PRODUCT));
        return doc;
    }

    @Override
    public void build(List<Row> rows) throws Exception {
        for (Row row : rows) {
            writer.addDocument(document(row));
        }
        writer.forceMerge(1);
        writer.commit();
        searchers = new SearcherManager(writer, null);
    }

    @Override
    public void delta(List<Row> upserts, List<String> deletes) throws Exception {
        for (Row row : upserts) {
            writer.updateDocument(new Term(ID, row.itemId()), document(row));
        }
        for (String id : deletes) {
            writer.deleteDocuments(new Term(ID, id));
        }
        searchers.maybeRefreshBlocking();
    }

    @Override
    public List<String> search(float[] query, int k, int searchBeamWidth) throws Exception {
        IndexSearcher searcher = searchers.acquire();
        try {
            TopDocs top = searcher.search(new KnnFloatVectorQuery(VECTOR, query, Math.max(k, searchBeamWidth)), k);
            List<String> ids = new ArrayList<>(top.scoreDocs.length);
            List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
            for (ScoreDoc hit : top.scoreDocs) {
                LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(hit.doc, leaves));
                SortedDocValues values = leaf.reader().getSortedDocValues(ID);
                values.advanceExact(hit.doc - leaf.docBase);
                ids.add(values.lookupOrd(values.ordValue()).utf8ToString());
            }
            return ids;
        } finally {
            searchers.release(searcher);
        }
    }

    @Override
    public String shape() {
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                var reader = searcher.getIndexReader();
                return reader.leaves().size() + " segments, " + reader.numDocs() + " live of " + reader.maxDoc()
                        + " docs";
            } finally {
                searchers.release(searcher);
            }
        } catch (Exception e) {
            return "?";
        }
    }

    @Override
    public void close() throws Exception {
        IOUtils.close(searchers, writer, directory);
        mergeWorkers.shutdown();
        IOUtils.rm(dir);
    }
}
